from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "registration.core"
    label = "core"
    verbose_name = _("Core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.core.signals import request_finished

        from registration.core import checks, logs, metrics  # noqa: F401  (checks: registers the system checks)
        from registration.core.uploads import allow_long_part_headers

        allow_long_part_headers()
        user_locked_out.connect(metrics.locked_out, dispatch_uid="registration.core.metrics.locked_out")
        request_finished.connect(logs.forget_request_id, dispatch_uid="registration.core.logs.forget_request_id")
        metrics.register_collector(metrics.TaskQueueCollector())
        metrics.register_collector(metrics.BackupStatusCollector())
        # Whatever LOGGING says (production, tests, a DEBUG level): no template context in the logs.
        import logging

        from registration.core.reporting import DropTemplateLookupFailures

        template_logger = logging.getLogger("django.template")
        if not any(isinstance(f, DropTemplateLookupFailures) for f in template_logger.filters):
            template_logger.addFilter(DropTemplateLookupFailures())
