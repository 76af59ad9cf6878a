from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "registration.privacy"
    label = "privacy"
    verbose_name = _("Personal data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from registration.privacy import erasure  # noqa: F401 -- registers the audit actions' labels
