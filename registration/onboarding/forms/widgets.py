"""The wizard's widgets and quick fields: text inputs, and lists checked without walking every choice."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from registration.core import countries
from registration.core.collation import collate_choices
from validators import regions as vregions
from validators.django import RegionField, ScanField


def text(autocomplete: str = "off", *, css: str = "", inputmode: str = "", spellcheck: bool = False) -> forms.TextInput:
    attrs = {"autocomplete": autocomplete, "spellcheck": "true" if spellcheck else "false"}
    if css:
        attrs["class"] = css
    if inputmode:
        attrs["inputmode"] = inputmode
    return forms.TextInput(attrs=attrs)


class QuickSelect(forms.Select):
    """A ``<select>`` whose options are written in Python, not by one template render each.

    The country list has about 250 entries: rendering them through Django's per-option widget
    templates costs more than the whole rest of the page.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        selected = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, mark_safe(" selected") if str(key) in selected else "", label) for key, label in self.choices),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class CountryChoiceField(forms.ChoiceField):
    """The citizenship list, checked against a set of codes rather than by walking ~250 choices."""

    def valid_value(self, value: Any) -> bool:
        return countries.is_citizenship(value)

    def display(self, value: str) -> str:
        return countries.name(value)


class QuickRegionField(RegionField):
    """The region list (89 subjects), checked by the library rather than by walking every choice."""

    def valid_value(self, value: Any) -> bool:
        return isinstance(value, str) and vregions.is_valid(value)

    def display(self, value: str) -> str:
        return f"{value} {vregions.name(value, translation.get_language() or 'ru')}"


def citizenship_choices() -> list[tuple[str, str]]:
    """Statelessness, then every country in the page's language, in its alphabetical order."""
    return [("", str(_("Choose a country"))), *countries.choices()]


def region_choices() -> list[tuple[str, str]]:
    """The 89 federal subjects in the page's language, in its alphabetical order (built once per language)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if language not in _REGION_CHOICES:
        names = [
            (region.code, vregions.name(region.code, "ru" if language.startswith("ru") else "en"))
            for region in vregions.REGIONS
        ]
        _REGION_CHOICES[language] = collate_choices(names, language)
    return [("", str(_("Choose a region"))), *_REGION_CHOICES[language]]


_REGION_CHOICES: dict[str, list[tuple[str, str]]] = {}


class WizardScanField(ScanField):
    """A scan already checked and kept in the wizard's storage is not decoded again on every visit."""

    widget = forms.FileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"})  # type: ignore[assignment]  # no "clear" box

    def clean(self, data: Any, initial: Any = None) -> Any:
        if getattr(data, "scan_info", None) and getattr(data, "tmp_name", None):
            return data
        return super().clean(data, initial)
