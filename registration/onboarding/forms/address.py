"""Steps 10–11: SNILS and INN, and the address in Russia."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

import validators
from registration.onboarding.forms.base import StepForm
from registration.onboarding.forms.widgets import QuickRegionField, QuickSelect, region_choices, text
from registration.registries import addresses
from validators import postcode as vpostcode
from validators import regions as vregions
from validators import snils as vsnils
from validators.django import InnField, PostcodeField, SnilsField, to_django_error

# --- 10. identifiers ---------------------------------------------------------------------------


class IdentifiersForm(StepForm):
    snils = SnilsField(
        label=_("SNILS (optional)"),
        help_text=_("11 digits, for example 112-233-445 95. Leave empty if you do not have one."),
        required=False,
    )
    inn = InnField(
        kind="person",
        label=_("INN (optional)"),
        help_text=_(
            "A personal INN has 12 digits. Leave empty if you do not have one. Its format and check digits are "
            "checked here; it is not looked up in the tax register."
        ),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("snils", "inn"):
            self.fields[name].widget.attrs.update(
                {"inputmode": "numeric", "class": "input-short", "autocomplete": "off"}
            )
        # The check page shows SNILS as it is written on the card; an INN is written as one run of digits.
        self.fields["snils"].display = vsnils.format  # type: ignore[attr-defined]
        self.fields["inn"].display = inn_checked  # type: ignore[attr-defined]


def inn_checked(inn: str) -> str:
    """The INN on the check page, with what was (and was not) checked."""
    from registration.onboarding.inn_check import CHECKED

    return f"{inn} ({CHECKED})"


# --- 11. address ------------------------------------------------------------------------------


class AddressForm(StepForm):
    region = QuickRegionField(label=_("Region"), widget=QuickSelect(), choices=region_choices)
    city = forms.CharField(
        label=_("City, town or settlement"),
        max_length=100,
        widget=text("address-level2"),
        error_messages={"required": _("Enter the city, town or settlement.")},
    )
    street = forms.CharField(
        label=_("Street"),
        max_length=200,
        widget=text("address-line1"),
        error_messages={"required": _("Enter the street.")},
    )
    house = forms.CharField(
        label=_("House"),
        help_text=_("With the building or block, if there is one: 12, 12A, 12 bld. 3."),
        max_length=20,
        widget=text("address-line2", css="input-short"),
        error_messages={"required": _("Enter the house number.")},
    )
    flat = forms.CharField(
        label=_("Flat (optional)"), max_length=20, required=False, widget=text("address-line3", css="input-short")
    )
    postcode = PostcodeField(label=_("Postal code"), help_text=_("6 digits, for example 101000."))
    required_messages = {
        "region": _("Choose the region."),
        "postcode": _("Enter the postal code."),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["postcode"].widget.attrs.update(
            {"autocomplete": "postal-code", "inputmode": "numeric", "class": "input-short"}
        )
        # Suggestions from the address directory; anything else may still be typed.
        self.fields["city"].widget.attrs["list"] = "address-cities"
        self.fields["street"].widget.attrs["list"] = "address-streets"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        assert cleaned is not None  # Form.clean returns cleaned_data
        region, postcode = cleaned.get("region"), cleaned.get("postcode")
        if region and postcode:
            try:
                vpostcode.validate_for_region(postcode, region)
            except validators.ValidationError as exc:
                # The library names the regions in English; the person reads them in the page's language.
                language = "ru" if (translation.get_language() or "ru").startswith("ru") else "en"
                for key in ("region", "belongs_to"):
                    if key in exc.params:
                        exc.params[f"{key}_name"] = vregions.name(exc.params[key], language)
                self.add_error("postcode", to_django_error(exc))
            else:
                if not addresses.postcode_fits(region, postcode):
                    # Russian Post's prefixes allow it; the address directory's ranges for the region do not.
                    low, high = addresses.postcode_range(region) or ("", "")
                    self.add_error(
                        "postcode",
                        forms.ValidationError(
                            _("Postal codes of this region run from %(low)s to %(high)s: check the code."),
                            code="postcode_region",
                            params={"low": low, "high": high},
                        ),
                    )
        return cleaned
