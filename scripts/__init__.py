"""Scripts that run the production stack on loopback: ``make serve-prod`` and ``make load``."""
