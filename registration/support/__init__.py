"""The support line: requests and their threads, the desk's flows and caller verification."""
