"""The person's pages: log-in, status, identity methods, profile changes and support."""
