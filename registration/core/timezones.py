"""Times told to people with their time zone named: "10.12.2026 10:00 (Moscow time, UTC+3)".

A person abroad who books a video call or reads when a centre opens must not guess whose clock is
meant. Times are kept in UTC and shown in the site's zone (``TIME_ZONE``, Moscow) unless a zone is
given; the zone's name is translated, its offset is computed for that very moment.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from django.utils import dateformat, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

#: Readable, translated names of the zones the service uses; another zone is named by its key.
ZONE_NAMES: dict[str, Promise] = {
    "Europe/Moscow": _("Moscow time"),
    "Europe/Kaliningrad": _("Kaliningrad time"),
    "Europe/Samara": _("Samara time"),
    "Asia/Yekaterinburg": _("Yekaterinburg time"),
    "Asia/Omsk": _("Omsk time"),
    "Asia/Novosibirsk": _("Novosibirsk time"),
    "Asia/Krasnoyarsk": _("Krasnoyarsk time"),
    "Asia/Irkutsk": _("Irkutsk time"),
    "Asia/Yakutsk": _("Yakutsk time"),
    "Asia/Vladivostok": _("Vladivostok time"),
    "Asia/Magadan": _("Magadan time"),
    "Asia/Kamchatka": _("Kamchatka time"),
}


def utc_offset(moment: datetime) -> str:
    """``UTC+3``, ``UTC+5:30``, ``UTC-4``, ``UTC`` for an aware ``moment``."""
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds()) // 60 if offset is not None else 0
    if not minutes:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}:{rest:02d}" if rest else f"UTC{sign}{hours}"


def zone_name(zone: tzinfo) -> str:
    """The zone's translated name (``Moscow time``), or its key for a zone without one."""
    key = str(getattr(zone, "key", "") or zone)
    name = ZONE_NAMES.get(key)
    return str(name) if name is not None else key


def zone_label(moment: datetime, zone: tzinfo | None = None) -> str:
    """``Moscow time, UTC+3``: the zone in which ``moment`` is shown and its offset then."""
    zone = zone or timezone.get_current_timezone()
    local = timezone.localtime(moment, zone)
    return gettext("%(zone)s, %(offset)s") % {"zone": zone_name(zone), "offset": utc_offset(local)}


def with_zone(moment: datetime, format_string: str = "d.m.Y H:i", zone: tzinfo | None = None) -> str:
    """``10.12.2026 10:00 (Moscow time, UTC+3)``: ``moment`` in ``zone`` (the site's), the zone named."""
    zone = zone or timezone.get_current_timezone()
    local = timezone.localtime(moment, zone)
    return gettext("%(time)s (%(zone)s)") % {
        "time": dateformat.format(local, format_string),
        "zone": zone_label(moment, zone),
    }
