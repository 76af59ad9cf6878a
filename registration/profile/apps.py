from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProfileConfig(AppConfig):
    name = "registration.profile"
    label = "profile"
    verbose_name = _("Profile changes")
    default_auto_field = "django.db.models.BigAutoField"
