"""Finding a service centre: by city, region or postcode typed as text, or by distance from the person.

The distance is the great-circle (haversine) distance from the centre's coordinates; centres without
coordinates are found by text only. All active centres are compared in Python: the portal has a few
thousand centres, which this reads in one query.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.db.models import Q

from registration.identity.models import ServiceCentre
from validators import postcode as vpostcode
from validators import regions as vregions

EARTH_RADIUS_KM = 6371.0088
#: At most this many centres are listed.
LIMIT = 20
_POSTCODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Found:
    centre: ServiceCentre
    #: Kilometres from the person, when their position is known and the centre's too.
    distance_km: float | None = None


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points given in degrees, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _regions_named(text: str) -> set[str]:
    """Region codes whose code, or Russian or English name, the text names."""
    text = text.casefold()
    found = set()
    for region in vregions.REGIONS:
        if text == region.code or (
            len(text) >= 3 and (text in region.name_ru.casefold() or text in region.name_en.casefold())
        ):
            found.add(region.code)
    return found


def search(
    query: str = "", *, latitude: float | None = None, longitude: float | None = None, limit: int = LIMIT
) -> list[Found]:
    """Active centres matching the text (city, address, name, region, postcode), nearest first when placed."""
    query = " ".join(query.split())[:100]
    centres = ServiceCentre.objects.filter(is_active=True).prefetch_related("translations")
    if query:
        compact = query.replace(" ", "")
        if _POSTCODE.match(compact) and vpostcode.is_valid(compact):
            # The same postcode first, then the centres of the region(s) that postcode lies in.
            regions = set(vpostcode.regions_of(compact))
            centres = centres.filter(Q(postcode=compact) | Q(region__in=regions))
        else:
            text = Q(city__icontains=query) | Q(address__icontains=query) | Q(name__icontains=query)
            # A person may type the city as their language writes it: the centres' translations count too.
            translated = ServiceCentre.objects.filter(
                Q(translations__city__icontains=query)
                | Q(translations__address__icontains=query)
                | Q(translations__name__icontains=query)
            )
            text |= Q(pk__in=translated.values("pk"))
            regions = _regions_named(query)
            centres = centres.filter(text | Q(region__in=regions)) if regions else centres.filter(text)
    elif latitude is None or longitude is None:
        return []
    placed = latitude is not None and longitude is not None
    found = []
    for centre in centres:
        distance = None
        if placed and centre.latitude is not None and centre.longitude is not None:
            distance = haversine_km(latitude, longitude, centre.latitude, centre.longitude)  # type: ignore[arg-type]
        found.append(Found(centre, distance))
    postcode = query.replace(" ", "") if query else ""
    found.sort(
        key=lambda f: (
            f.centre.postcode != postcode if postcode else False,
            f.distance_km is None,
            f.distance_km or 0.0,
            f.centre.city,
            f.centre.name,
        )
    )
    return found[:limit]
