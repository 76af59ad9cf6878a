"""The wizard's widgets and quick fields: text inputs, and lists checked without walking every choice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import DocumentKind
from registration.core import countries, metrics
from registration.core.collation import collate_choices
from validators import ValidationError as LibraryError
from validators import regions as vregions
from validators.django import RegionField, ScanField, to_django_error
from validators.scans import PhysicalSize, resolution

#: The size on paper of each kind of document, which its scan must hold at 300 dpi: ID-1 for cards,
#: ID-3 for passport pages (a temporary residence permit is a stamp in the passport), A4 (the
#: ceiling) for paper documents, whose sizes vary.
DOCUMENT_SIZES: dict[str, PhysicalSize] = {
    DocumentKind.FOREIGN_PASSPORT: PhysicalSize.ID3,
    DocumentKind.OTHER_IDENTITY: PhysicalSize.ID1,
    DocumentKind.RESIDENCE_PERMIT: PhysicalSize.ID1,
    DocumentKind.TEMPORARY_RESIDENCE: PhysicalSize.ID3,
    DocumentKind.MIGRATION_CARD: PhysicalSize.A4,
    DocumentKind.WORK_PATENT: PhysicalSize.A4,
    DocumentKind.STAY_REGISTRATION: PhysicalSize.A4,
    # A stateless person's travel document is a passport-like booklet; the Russian documents of a
    # stateless person are judged as the smallest format they come in (a card), so none is refused
    # for a size it does not have.
    DocumentKind.STATELESS_TRAVEL_DOCUMENT: PhysicalSize.ID3,
    DocumentKind.STATELESS_RESIDENCE_PERMIT: PhysicalSize.ID1,
    DocumentKind.STATELESS_TEMPORARY_RESIDENCE: PhysicalSize.ID1,
    DocumentKind.STATELESS_IDENTITY_CARD: PhysicalSize.ID1,
}


def document_size(kind: Any, default: PhysicalSize = PhysicalSize.A4) -> PhysicalSize:
    """The size on paper of a kind of document (``default`` for an unknown kind)."""
    return DOCUMENT_SIZES.get(str(kind or ""), default)


def judge_scan_as(form: forms.BaseForm, size: PhysicalSize, name: str = "scan") -> None:
    """Have the form's own scan field judge the document of ``size``."""
    field = form.fields[name]
    assert isinstance(field, ScanField)  # every scan field of the site is one
    field.physical_size = size


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
        info = getattr(data, "scan_info", None)
        if info and getattr(data, "tmp_name", None):
            self._judge_kept(info)
            return data
        try:
            return super().clean(data, initial)
        except forms.ValidationError as exc:
            for error in exc.error_list:  # a list of errors has no code of its own
                metrics.scan_refused(error.code)
            raise

    def _judge_kept(self, info: Any) -> None:
        """A kept image's pixels against this field's document: the type of document may have changed since."""
        if not isinstance(info, Mapping) or info.get("kind") == "pdf":
            return
        if not info.get("width") or not info.get("height"):
            return
        try:
            resolution.judge(
                int(info["width"]), int(info["height"]), info.get("dpi"), self.physical_size, self.validator.min_dpi
            )
        except LibraryError as exc:
            raise to_django_error(exc) from None
