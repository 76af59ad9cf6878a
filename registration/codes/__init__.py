"""Every one-time code the service issues, and the SMS and e-mail that carry them."""
