from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CabinetConfig(AppConfig):
    name = "registration.cabinet"
    label = "cabinet"
    verbose_name = _("Personal cabinet")
    default_auto_field = "django.db.models.BigAutoField"
