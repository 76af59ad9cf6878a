"""The clerks' workspace in the Django admin: one module per desk."""
