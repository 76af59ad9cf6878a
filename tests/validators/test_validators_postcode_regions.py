"""Postcodes against regions: the first three digits belong to one federal subject (or two that share them)."""

from __future__ import annotations

import pytest

from validators import InvalidComponent, InvalidFormat, postcode, regions


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("101000", "77"),  # Moscow, the main post office
        ("124460", "77"),  # Zelenograd
        ("108840", "77"),  # Troitsk, New Moscow
        ("141400", "50"),  # Khimki
        ("190000", "78"),  # Saint Petersburg
        ("188640", "47"),  # Vsevolozhsk
        ("690000", "25"),  # Vladivostok
        ("420111", "16"),  # Kazan
        ("628011", "86"),  # Khanty-Mansiysk
        ("166000", "83"),  # Naryan-Mar
        ("295000", "91"),  # Simferopol
        ("299011", "92"),  # Sevastopol
        ("677000", "14"),  # Yakutsk
        ("647000", "24"),  # Dudinka (Krasnoyarsk Krai)
    ],
)
def test_a_postcode_fits_its_own_region(code, region):
    """Real postcodes are accepted for the region they are in."""
    assert region in postcode.regions_of(code)
    assert postcode.validate_for_region(code, region) == code


def test_a_postcode_of_another_region_is_refused_naming_both():
    """690000 (Vladivostok) typed for Moscow names the region the postcode is in and the one chosen."""
    with pytest.raises(InvalidComponent) as caught:
        postcode.validate_for_region("690 000", "77")
    error = caught.value
    assert error.code == "postcode_region_mismatch"
    assert error.params["belongs_to"] == "25" and error.params["region"] == "77"
    assert "Primorsky Krai" in str(error) and "Moscow" in str(error)


def test_moscow_and_its_oblast_share_the_new_moscow_prefixes():
    """New Moscow kept some Moscow Oblast prefixes: 142xxx is accepted for both, 101xxx only for Moscow."""
    assert postcode.regions_of("142100") == ("50", "77")
    assert postcode.validate_for_region("142100", "50") == "142100"
    with pytest.raises(InvalidComponent):
        postcode.validate_for_region("101000", "50")


def test_an_unknown_prefix_is_not_refused():
    """A prefix the table does not hold (a region whose postcodes are being reassigned) passes."""
    assert postcode.regions_of("283001") == ()
    assert postcode.validate_for_region("283001", "93") == "283001"


def test_the_postcode_and_region_are_checked_first():
    """A malformed postcode or region fails with its own code before the comparison."""
    with pytest.raises(InvalidFormat) as caught:
        postcode.validate_for_region("6900", "77")
    assert caught.value.code == "postcode_format"
    with pytest.raises(InvalidComponent) as caught:
        postcode.validate_for_region("690000", "80")
    assert caught.value.code == "region_unknown"


def test_the_table_names_only_real_regions_and_no_prefix_twice_by_mistake():
    """Every region in the table exists; only the Moscow/Moscow Oblast prefixes are shared."""
    codes = {region.code for region in regions.REGIONS}
    assert set(postcode.PREFIXES) <= codes
    assert codes - set(postcode.PREFIXES) == {"90", "93", "94", "95"}
    shared = {prefix for prefix in range(100, 1000) if len(postcode.regions_of(f"{prefix}000")) > 1}
    assert shared == set(range(140, 145))
