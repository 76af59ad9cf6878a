"""Service centres where a person can confirm their identity in person."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceCentre(models.Model):
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region code"), max_length=2, help_text=_("Two-digit federal subject code."))
    city = models.CharField(_("city"), max_length=100)
    address = models.CharField(_("address"), max_length=300)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_active = models.BooleanField(_("open for visits"), default=True)

    class Meta:
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        ordering = ["region", "city", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"
