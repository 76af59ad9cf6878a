from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registration.services"
    label = "services"
    verbose_name = _("Services")

    def ready(self) -> None:
        # The state fee's outcome reaches the application through the payments' status handlers.
        from registration.core import metrics
        from registration.services import fees  # noqa: F401
        from registration.services.metrics import ServiceQueueCollector

        metrics.register_collector(ServiceQueueCollector())
