from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistriesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "registration.registries"
    label = "registries"
    verbose_name = _("Agencies' registries")
