"""Accounts: the custom user, its status machine, the audit log, log-in and passwords."""
