from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registration.documents"
    label = "documents"
    verbose_name = _("Issued documents")

    def ready(self) -> None:
        from registration.documents.fonts import check_fonts

        checks.register(check_fonts, checks.Tags.compatibility)
