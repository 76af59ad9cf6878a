from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    name = "registration.onboarding"
    label = "onboarding"
    verbose_name = _("Registration wizard")
    default_auto_field = "django.db.models.BigAutoField"
