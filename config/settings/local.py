"""Development settings: what `make run` uses (SQLite, console e-mail and SMS, DEBUG on)."""

from config.env import env_bool, env_str

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", True)
# A fixed development key: never used in production, where a missing key stops start-up.
SECRET_KEY = env_str("DJANGO_SECRET_KEY", "development-only-key-not-for-production-8c1f0a2b7e6d5c4b3a29")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# The SQLite file and the private upload folders live under var/ (git-ignored).
VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# Development: serve static files straight from the source folders, picking up changes.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Development trusts the demo certification authority that load_demo_data makes (with DEBUG on) in its own
# folder, which production settings never read; set REGISTRATION_TRUSTED_CA_DIR to try real authorities.
REGISTRATION_TRUSTED_CA_DIR = env_str("REGISTRATION_TRUSTED_CA_DIR", str(VAR_DIR / "demo" / "trusted-ca"))  # noqa: F405
# The registry simulator that make run starts beside the site (python -m registration.registries.simulator).
REGISTRATION_REGISTRY_URL = env_str("REGISTRY_URL", "http://127.0.0.1:8079")
# The payment provider's simulator that make run starts beside the site (python -m registration.payments.simulator).
REGISTRATION_PAYMENT_URL = env_str("PAYMENT_URL", "http://127.0.0.1:8078")
REGISTRATION_PAYMENT_SHOP_ID = env_str("PAYMENT_SHOP_ID", "demo-shop")
REGISTRATION_PAYMENT_SECRET = env_str("PAYMENT_SECRET", "development-only-payment-secret-0123456789")
REGISTRATION_PUBLIC_URL = env_str("PUBLIC_URL", "http://127.0.0.1:8000")
