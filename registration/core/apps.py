from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "registration.core"
    label = "core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from registration.core import checks  # noqa: F401  (registers the system checks)
        from registration.core.uploads import allow_long_part_headers

        allow_long_part_headers()
