"""Django form fields whose clean value is the library's, with help texts and messages translated."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from validators import dates as _dates
from validators import names as _names
from validators import regions as _regions
from validators import scans as _scans
from validators.django.errors import MESSAGES, call
from validators.django.validators import (
    BirthDateValidator,
    CyrillicNameValidator,
    DateValidator,
    InnValidator,
    LatinNameValidator,
    LibraryValidator,
    MRZValidator,
    OgrnValidator,
    PassportNumberValidator,
    PhoneValidator,
    PostcodeValidator,
    RegionValidator,
    ScanValidator,
    SnilsValidator,
    ValidUntilValidator,
)

__all__ = [
    "BirthDateField",
    "CyrillicNameField",
    "DateField",
    "DateInput",
    "InnField",
    "LatinNameField",
    "MRZField",
    "OgrnField",
    "PassportNumberField",
    "PhoneField",
    "PostcodeField",
    "RegionField",
    "ScanField",
    "SnilsField",
    "ValidUntilField",
]


def _help_text(validator: LibraryValidator) -> Any:
    """The validator's help text, translated when shown (fields are made at import time)."""
    return lazy(validator.get_help_text, str)()


class _LibraryField(forms.CharField):
    """A text field whose clean value is the library's (compact) value."""

    validator: LibraryValidator

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        return self.validator(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if "autocomplete" not in widget.attrs:
            attrs["autocomplete"] = "off"
        return attrs


class SnilsField(_LibraryField):
    """SNILS; cleans to 11 digits."""

    default_error_messages = {"required": _("Enter the SNILS.")}

    def __init__(self, **kwargs: Any) -> None:
        self.validator = SnilsValidator()
        kwargs.setdefault("help_text", _help_text(self.validator))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)


class InnField(_LibraryField):
    """INN; ``kind='person'`` (12 digits) or ``'company'`` (10 digits), or either."""

    default_error_messages = {"required": _("Enter the INN.")}

    def __init__(self, *, kind: str | None = None, **kwargs: Any) -> None:
        self.validator = InnValidator(kind)
        kwargs.setdefault("help_text", _help_text(self.validator))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)


class OgrnField(_LibraryField):
    """OGRN (13 digits) or OGRNIP (15); ``kind='company'`` or ``'entrepreneur'`` asks for one of them."""

    default_error_messages = {"required": _("Enter the OGRN.")}

    def __init__(self, *, kind: str | None = None, **kwargs: Any) -> None:
        self.validator = OgrnValidator(kind)
        kwargs.setdefault("help_text", _help_text(self.validator))
        kwargs.setdefault("max_length", 25)
        super().__init__(**kwargs)


class PassportNumberField(_LibraryField):
    """A passport number for ``country``, which the form may also set later.

    Before the country is known only the characters are checked; set ``field.country`` in the
    form's ``__init__``, or call :func:`validate_passport_number` in its ``clean()``.
    """

    default_error_messages = {"required": MESSAGES["passport_empty"]}

    def __init__(self, *, country: str | None = None, **kwargs: Any) -> None:
        self.validator = PassportNumberValidator(country)
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    @property
    def country(self) -> str | None:
        return self.validator.country  # type: ignore[attr-defined, no-any-return]

    @country.setter
    def country(self, value: str | None) -> None:
        self.validator = PassportNumberValidator(value)


class DateInput(forms.TextInput):
    """A text box for DD.MM.YYYY with the pattern as placeholder."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"placeholder": _("DD.MM.YYYY"), "autocomplete": "off", "size": 10, "maxlength": 10}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, date):
            return _dates.format(value)
        return super().format_value(value)


class DateField(forms.Field):
    """A date typed as DD.MM.YYYY (and nothing else); cleans to ``datetime.date``."""

    default_error_messages = {"required": _("Enter the date.")}

    widget = DateInput

    def __init__(self, **kwargs: Any) -> None:
        self.validator = self._make_validator(**kwargs.pop("validator_options", {}))
        kwargs.setdefault("help_text", _help_text(self.validator))
        super().__init__(**kwargs)

    def _make_validator(self, **options: Any) -> DateValidator:
        return DateValidator()

    def to_python(self, value: Any) -> date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, date):
            return self.validator(value)  # type: ignore[no-any-return]
        return self.validator(str(value))  # type: ignore[no-any-return]


class BirthDateField(DateField):
    """A date of birth: DD.MM.YYYY, in the past, age from 14 to 120."""

    default_error_messages = {"required": _("Enter the date of birth.")}

    def __init__(self, *, min_age: int = _dates.MIN_AGE, max_age: int = _dates.MAX_AGE, **kwargs: Any) -> None:
        super().__init__(validator_options={"min_age": min_age, "max_age": max_age}, **kwargs)

    def _make_validator(self, **options: Any) -> DateValidator:
        return BirthDateValidator(**options)


class ValidUntilField(DateField):
    """An identity document's expiry date: DD.MM.YYYY, at least ``months`` months ahead."""

    default_error_messages = {"required": _("Enter the date until which the document is valid.")}

    def __init__(self, *, months: int = _dates.VALID_MONTHS, **kwargs: Any) -> None:
        super().__init__(validator_options={"months": months}, **kwargs)

    def _make_validator(self, **options: Any) -> DateValidator:
        return ValidUntilValidator(**options)


class PhoneField(_LibraryField):
    """A mobile phone number; cleans to E.164 (``+79161234567``)."""

    default_error_messages = {"required": _("Enter the mobile phone number.")}

    widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"})

    def __init__(self, *, region: str | None = None, country_name: str | None = None, **kwargs: Any) -> None:
        self.validator = PhoneValidator(region, country_name)
        kwargs.setdefault("help_text", _help_text(self.validator))
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)

    def set_region(self, region: str | None, country_name: str | None = None) -> None:
        """Read numbers typed without a country code as numbers of ``region`` (the person's country)."""
        self.validator = PhoneValidator(region, country_name)


class LatinNameField(_LibraryField):
    """A name in Latin letters, as in the passport."""

    default_error_messages = {"required": MESSAGES["name_empty"]}

    def __init__(self, **kwargs: Any) -> None:
        self.validator = LatinNameValidator()
        kwargs.setdefault("help_text", _help_text(self.validator))
        kwargs.setdefault("max_length", _names.MAX_LENGTH)
        super().__init__(**kwargs)


class CyrillicNameField(_LibraryField):
    """A name in Cyrillic letters (the person's correction of the proposed transliteration)."""

    default_error_messages = {"required": MESSAGES["name_empty"]}

    def __init__(self, **kwargs: Any) -> None:
        self.validator = CyrillicNameValidator()
        kwargs.setdefault("max_length", _names.MAX_LENGTH)
        super().__init__(**kwargs)


class MRZField(_LibraryField):
    """The machine-readable zone, typed or pasted; cleans to a :class:`validators.mrz.MRZ`."""

    default_error_messages = {"required": MESSAGES["mrz_empty"]}

    widget = forms.Textarea(attrs={"rows": 3, "cols": 46, "spellcheck": "false", "autocapitalize": "characters"})

    def __init__(self, **kwargs: Any) -> None:
        self.validator = MRZValidator()
        kwargs.setdefault("help_text", _help_text(self.validator))
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)


class PostcodeField(_LibraryField):
    """A Russian postal code; cleans to 6 digits."""

    default_error_messages = {"required": _("Enter the postal code.")}

    def __init__(self, **kwargs: Any) -> None:
        self.validator = PostcodeValidator()
        kwargs.setdefault("help_text", _help_text(self.validator))
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)


def _region_choices() -> list[tuple[str, str]]:
    return [("", str(_("Choose a region"))), *_regions.choices(get_language() or "ru")]


class RegionField(forms.ChoiceField):
    """One of the 89 federal subjects, named in the active language; cleans to the 2-digit code."""

    default_error_messages = {"required": _("Choose the region.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("choices", _region_choices)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return RegionValidator()(value) if value else value  # type: ignore[no-any-return]


class ScanField(forms.FileField):
    """An uploaded scan checked and stripped with :func:`validators.scans.sanitise`.

    ``physical_size`` is the size of the document it shows (an ID-1 card by default; set it on a
    form's own field to judge another document). The clean value is a new in-memory upload holding
    only the image (no EXIF, GPS, comments, text, XMP or trailing bytes; upright, ``scan_info.rotation``
    saying by how many degrees it was turned), under the uploaded name, with the ``ScanInfo`` of those bytes
    as ``file.scan_info``, the :class:`~validators.scans.Sanitised` result as ``file.sanitised`` and the
    upload as sent as ``file.uploaded``:
    whatever the form's owner stores is the clean file, never the upload.
    """

    default_error_messages = {"required": _("Attach a scan or photo of the document.")}

    widget = forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"})

    def __init__(
        self,
        *,
        max_bytes: int = _scans.MAX_BYTES,
        min_dpi: int = _scans.MIN_DPI,
        allowed: Sequence[str] = ("pdf", "jpeg", "png"),
        min_sharpness: float = _scans.MIN_SHARPNESS,
        physical_size: _scans.PhysicalSize = _scans.PhysicalSize.ID1,
        upright: bool = True,
        **kwargs: Any,
    ) -> None:
        self.validator = ScanValidator(max_bytes, min_dpi, allowed, min_sharpness, physical_size, upright)
        kwargs.setdefault("help_text", _help_text(self.validator))
        # An empty upload reaches scans.check, which refuses it with its own code (scan_empty).
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)

    @property
    def physical_size(self) -> _scans.PhysicalSize:
        """The size of the document the scan shows (see :class:`validators.scans.PhysicalSize`)."""
        return self.validator.physical_size

    @physical_size.setter
    def physical_size(self, size: _scans.PhysicalSize) -> None:
        # A form's fields are shallow copies of its class's: give this one a validator of its own.
        self.validator = ScanValidator(**{**self.validator._options(), "physical_size": size})

    def to_python(self, data: Any) -> Any:
        data = super().to_python(data)
        if data is None:
            return None
        clean: _scans.Sanitised = call(self.validator.sanitise, data)
        upload = SimpleUploadedFile(data.name, clean.data, content_type=clean.content_type)
        upload.scan_info = clean.info  # type: ignore[attr-defined]
        upload.sanitised = clean  # type: ignore[attr-defined]
        upload.uploaded = data  # type: ignore[attr-defined]  # the file as sent (its name uncut)
        return upload
