from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulerConfig(AppConfig):
    name = "registration.scheduler"
    label = "scheduler"
    verbose_name = _("Scheduled work")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from registration.core import metrics
        from registration.scheduler.metrics import ScheduleCollector

        metrics.register_collector(ScheduleCollector())
