"""Service centres where a person can confirm their identity in person."""

from django.core.validators import MaxValueValidator, MinValueValidator
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
    # Where the centre is, for the search by postcode and the "near me" distance (empty: not placed).
    postcode = models.CharField(_("postal code"), max_length=6, blank=True)
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Degrees north, e.g. 55.7575."),
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("Degrees east, e.g. 37.6130."),
    )

    class Meta:
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        ordering = ["region", "city", "name"]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"
