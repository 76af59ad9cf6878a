"""Service centres where a person can confirm their identity in person, and their data in other languages.

A centre's own fields (name, city, address, opening hours) are in Russian: that is what the centre's
sign, the post and the clerks read. Each other interface language may have a
:class:`ServiceCentreTranslation` row; pages, receipts and e-mails show :meth:`ServiceCentre.text` in
the language being rendered, falling back to the Russian field by field (a centre translated into
English but without English opening hours shows the Russian hours, marked ``lang="ru"``).

Why rows and not a JSON field or a column per language: administrators edit them in the Django admin
as an inline with one labelled field per value (a JSON field would be a raw text box to get right by
hand), the language is a choice from ``settings.LANGUAGES`` and the database keeps one row per centre
and language (a constraint), and a language added to the site needs no migration (a column per
language would need one, and would widen every centre for languages most centres never get).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

#: The fields of a centre that are written in a language (the rest, region and phone, are not).
TRANSLATED_FIELDS = ("name", "city", "address", "opening_hours")


def translation_languages() -> list[tuple[str, Any]]:
    """The interface languages other than Russian, the language of a centre's own fields."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


class LocalText(str):
    """A piece of a centre's data with the language it is written in (``lang``), for ``lang=`` in HTML."""

    lang: str

    def __new__(cls, text: str, lang: str) -> LocalText:
        value = super().__new__(cls, text)
        value.lang = lang
        return value


@dataclass(frozen=True)
class CentreText:
    """A centre's name, city, address and opening hours in one language (each may have fallen back to Russian)."""

    name: LocalText
    city: LocalText
    address: LocalText
    opening_hours: LocalText


def _base_language(code: str) -> str:
    """``en`` for ``en-gb``; the code itself when it names a site language."""
    known = dict(settings.LANGUAGES)
    if code in known:
        return code
    generic = code.split("-")[0]
    return generic if generic in known else code


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

    def _translations(self) -> dict[str, ServiceCentreTranslation]:
        """This centre's translations by language: read once per instance (a prefetch, if any, is used)."""
        cached: dict[str, ServiceCentreTranslation] | None = self.__dict__.get("_translations_by_language")
        if cached is None:
            cached = {row.language: row for row in self.translations.all()} if self.pk else {}
            self.__dict__["_translations_by_language"] = cached
        return cached

    def text(self, language: str | None = None) -> CentreText:
        """Name, city, address and hours in ``language`` (default: the active one), Russian where not translated."""
        code = _base_language(language or translation.get_language() or settings.LANGUAGE_CODE)
        row = self._translations().get(code) if code != settings.LANGUAGE_CODE else None
        values: dict[str, LocalText] = {}
        for field in TRANSLATED_FIELDS:
            translated = (getattr(row, field) or "").strip() if row is not None else ""
            if translated:
                values[field] = LocalText(translated, code)
            else:
                values[field] = LocalText(getattr(self, field), settings.LANGUAGE_CODE)
        return CentreText(**values)

    @property
    def local(self) -> CentreText:
        """:meth:`text` in the active language: ``{% with local=centre.local %}{{ local.name }}``."""
        return self.text()

    def label(self, language: str | None = None) -> str:
        """``name, city`` in ``language`` (the active one by default): how a person picks the centre."""
        text = self.text(language)
        return f"{text.name}, {text.city}"


class ServiceCentreTranslation(models.Model):
    """A centre's name, city, address and opening hours in one interface language other than Russian."""

    centre = models.ForeignKey(
        ServiceCentre, on_delete=models.CASCADE, related_name="translations", verbose_name=_("service centre")
    )
    language = models.CharField(_("language"), max_length=8, choices=translation_languages)
    name = models.CharField(_("name"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("translation of a service centre")
        verbose_name_plural = _("translations of service centres")
        ordering = ["centre", "language"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "language"], name="identity_one_translation_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.centre_id}: {self.language}"
