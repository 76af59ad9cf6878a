from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "registration.identity"
    label = "identity"
    verbose_name = _("Identity confirmation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from registration.core import metrics
        from registration.identity import automatic  # noqa: F401  (listens for the registries' answers)
        from registration.identity.metrics import QueueCollector
        from registration.identity.signature import checks  # noqa: F401  (registers the trusted-folder checks)

        metrics.register_collector(QueueCollector())
