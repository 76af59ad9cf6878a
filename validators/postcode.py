"""Почтовый индекс (Russian postal code).

A Russian postal code has 6 digits; spaces are removed.

More information:

* https://www.pochta.ru/support/post-rules/postal-code

>>> validate('101 000')
'101000'
>>> validate('10100')
Traceback (most recent call last):
    ...
validators.InvalidFormat: A postcode has 6 digits, for example 101000.
>>> is_valid('1O1000')
False

The first three digits name the area of the post office that serves the address, and each area lies
in one federal subject, so a postcode can be checked against the region typed beside it:

>>> regions_of('690000')
('25',)
>>> validate_for_region('101000', '77')
'101000'
>>> validate_for_region('690000', '77')
Traceback (most recent call last):
    ...
validators.InvalidComponent: The postcode 690000 is in Primorsky Krai, not in Moscow. Check the postcode or the region.

A prefix the table does not hold (the four regions whose postcodes are being reassigned, or a
prefix no post office uses) is not refused by this check: ``regions_of`` is then empty.
"""

from __future__ import annotations

from validators import InvalidComponent, InvalidFormat, ValidationError
from validators import regions as _regions

__all__ = ["PREFIXES", "compact", "is_valid", "regions_of", "validate", "validate_for_region"]

#: The first three digits of the postcodes of each federal subject (inclusive ranges), from Russian
#: Post's allocation of postcode areas (https://www.pochta.ru/support/post-rules/postal-code and the
#: directory of post offices, https://www.pochta.ru/database/ops). Where a city and the region around
#: it share prefixes (New Moscow kept some of the Moscow Oblast codes), both hold them. Regions
#: 90 and 93–95 are left out: their post offices are being given Russian postcodes, so their
#: prefixes are not settled and a check would refuse real addresses.
PREFIXES: dict[str, tuple[tuple[int, int], ...]] = {
    "01": ((385, 385),),
    "02": ((450, 453),),
    "03": ((670, 671),),
    "04": ((649, 649),),
    "05": ((367, 368),),
    "06": ((386, 386),),
    "07": ((360, 361),),
    "08": ((358, 359),),
    "09": ((369, 369),),
    "10": ((185, 186),),
    "11": ((167, 169),),
    "12": ((424, 425),),
    "13": ((430, 431),),
    "14": ((677, 678),),
    "15": ((362, 363),),
    "16": ((420, 423),),
    "17": ((667, 668),),
    "18": ((426, 427),),
    "19": ((655, 655),),
    "20": ((364, 366),),
    "21": ((428, 429),),
    "22": ((656, 659),),
    "23": ((350, 354),),
    "24": ((647, 648), (660, 663)),
    "25": ((690, 692),),
    "26": ((355, 357),),
    "27": ((680, 682),),
    "28": ((675, 676),),
    "29": ((163, 165),),
    "30": ((414, 416),),
    "31": ((308, 309),),
    "32": ((241, 243),),
    "33": ((600, 602),),
    "34": ((400, 404),),
    "35": ((160, 162),),
    "36": ((394, 397),),
    "37": ((153, 155),),
    "38": ((664, 666), (669, 669)),
    "39": ((236, 238),),
    "40": ((248, 249),),
    "41": ((683, 684), (688, 688)),
    "42": ((650, 654),),
    "43": ((610, 613),),
    "44": ((156, 157),),
    "45": ((640, 641),),
    "46": ((305, 307),),
    "47": ((187, 188),),
    "48": ((398, 399),),
    "49": ((685, 686),),
    "50": ((140, 144),),
    "51": ((183, 184),),
    "52": ((603, 607),),
    "53": ((173, 175),),
    "54": ((630, 633),),
    "55": ((644, 646),),
    "56": ((460, 462),),
    "57": ((302, 303),),
    "58": ((440, 442),),
    "59": ((614, 619),),
    "60": ((180, 182),),
    "61": ((344, 347),),
    "62": ((390, 391),),
    "63": ((443, 446),),
    "64": ((410, 413),),
    "65": ((693, 694),),
    "66": ((620, 624),),
    "67": ((214, 216),),
    "68": ((392, 393),),
    "69": ((170, 172),),
    "70": ((634, 636),),
    "71": ((300, 301),),
    "72": ((625, 627),),
    "73": ((432, 433),),
    "74": ((454, 457),),
    "75": ((672, 674), (687, 687)),
    "76": ((150, 152),),
    "77": ((101, 129), (140, 144)),
    "78": ((190, 199),),
    "79": ((679, 679),),
    "83": ((166, 166),),
    "86": ((628, 628),),
    "87": ((689, 689),),
    "89": ((629, 629),),
    "91": ((295, 298),),
    "92": ((299, 299),),
}


def _by_prefix() -> dict[int, tuple[str, ...]]:
    found: dict[int, tuple[str, ...]] = {}
    for code, ranges in PREFIXES.items():
        for first, last in ranges:
            for prefix in range(first, last + 1):
                found[prefix] = (*found.get(prefix, ()), code)
    return found


_REGIONS_BY_PREFIX = _by_prefix()


def compact(number: str) -> str:
    """Remove spaces and surrounding whitespace."""
    return number.replace(" ", "").strip()


def validate(number: str) -> str:
    """Check the postal code and return its 6 digits."""
    number = compact(number)
    if len(number) != 6 or not (number.isdigit() and number.isascii()):
        raise InvalidFormat(code="postcode_format")
    return number


def regions_of(number: str) -> tuple[str, ...]:
    """The codes of the regions whose postcodes start like this one; empty when the table does not know."""
    return _REGIONS_BY_PREFIX.get(int(validate(number)[:3]), ())


def validate_for_region(number: str, region: str) -> str:
    """Check the postal code and that it can belong to ``region`` (a two-digit code); return its digits."""
    number = validate(number)
    region = _regions.validate(region)
    found = regions_of(number)
    if found and region not in found:
        raise InvalidComponent(
            code="postcode_region_mismatch",
            params={
                "postcode": number,
                "region": region,
                "region_name": _regions.name(region, "en"),
                "belongs_to": found[0],
                "belongs_to_name": _regions.name(found[0], "en"),
            },
        )
    return number


def is_valid(number: str) -> bool:
    """Tell whether the postal code is valid."""
    try:
        return bool(validate(number))
    except ValidationError:
        return False
