"""The address directory: cities and streets to suggest, and which postal codes belong to a region.

In production the address register answers whether a whole address exists (the ``address`` question,
checked after submission); for typing, this embedded subset of the register (the regions, cities,
streets and postcode ranges of the registry simulator's data set) gives suggestions and catches a
postal code of another region. Where the directory knows nothing (another region, a new street) the
person types freely; the address register's "not found" then flags the application for the clerk.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from registration.registries.simulator import load_dataset


@dataclass(frozen=True)
class Place:
    region: str
    city: str
    city_en: str
    postcodes: tuple[str, str]
    streets: tuple[tuple[str, str], ...]  # (Russian name, English name)


@cache
def places() -> tuple[Place, ...]:
    return tuple(
        Place(
            region=item["region"],
            city=item["city"],
            city_en=item["city_en"],
            postcodes=(item["postcodes"][0], item["postcodes"][1]),
            streets=tuple((street["name"], street["name_en"]) for street in item["streets"]),
        )
        for item in load_dataset()["addresses"]
    )


def postcode_range(region: str) -> tuple[str, str] | None:
    """The lowest and highest postal code the directory knows for ``region`` (None: it knows none)."""
    ranges = [place.postcodes for place in places() if place.region == region]
    if not ranges:
        return None
    return min(low for low, _ in ranges), max(high for _, high in ranges)


def postcode_fits(region: str, postcode: str) -> bool:
    """False only when the directory knows the region's codes and ``postcode`` is not among them."""
    known = postcode_range(region)
    return known is None or known[0] <= postcode <= known[1]


def city_names() -> list[str]:
    """Every city the directory knows, in Russian and in Latin letters (suggestions for the city field)."""
    return sorted({name for place in places() for name in (place.city, place.city_en)})


def street_names() -> list[str]:
    return sorted({name for place in places() for street in place.streets for name in street})
