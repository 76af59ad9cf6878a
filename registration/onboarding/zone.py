"""The machine-readable zone read from the identity-document scan: reading, comparing, keeping.

The wizard's identity-document step queues :func:`start` for the scan the scan field accepted (after
its checks); :func:`read_stored` (the background task) reads it with :func:`validators.mrz.read` and
keeps the fields encrypted in a :class:`~registration.onboarding.models.ZoneReading`. :func:`compare`
says, field by field, whether the zone and the typed data are equal, different or not read; the
wizard fills empty fields from the zone and asks about each difference, the clerks' application page
shows the same comparison. Nothing read is ever logged.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.storage import storages
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registration.core import countries
from validators import ValidationError
from validators import dates as vdates

from .models import ZoneOutcome, ZoneReading, ZoneStatus

logger = logging.getLogger(__name__)

EQUAL = "equal"
DIFFERENT = "different"
NOT_READ = "not_read"

#: Zones that state no nationality (refugees' and stateless persons' travel documents).
NO_NATIONALITY_STATED = ("XXB", "XXC", "XXX")


@dataclass(frozen=True)
class ZoneField:
    name: str
    label: Promise
    #: The wizard step whose answer it is.
    step: str


#: The fields compared, in the order shown; ``step`` is the wizard step that asks for each.
FIELDS: tuple[ZoneField, ...] = (
    ZoneField("surname", _("Surname"), "personal"),
    ZoneField("given_names", _("Given names"), "personal"),
    ZoneField("birth_date", _("Date of birth"), "personal"),
    ZoneField("sex", _("Sex"), "personal"),
    ZoneField("citizenship", _("Citizenship"), "personal"),
    ZoneField("number", _("Document number"), "identity_document"),
    ZoneField("expiry_date", _("Valid until"), "identity_document"),
)
BY_NAME = {f.name: f for f in FIELDS}
#: Fields of the identity-document step that an empty input takes from the zone.
PREFILLED = ("number", "expiry_date")


@dataclass(frozen=True)
class Row:
    field: ZoneField
    zone: str  # as the form takes it ("" when the zone has none)
    typed: str
    state: str

    @property
    def label(self) -> Promise:
        return self.field.label

    @property
    def zone_shown(self) -> str:
        return shown(self.field.name, self.zone)

    @property
    def typed_shown(self) -> str:
        return shown(self.field.name, self.typed)


def shown(name: str, value: str) -> str:
    """A compared value as the person reads it: the sex and the country by their names."""
    if not value:
        return ""
    if name == "sex":
        from registration.accounts.models import Sex

        return str(dict(Sex.choices).get(value, value))
    if name == "citizenship":
        return countries.name(value) or value
    return value


def _letters(value: str) -> str:
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", value) if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^A-Z]+", " ", plain.upper()).split())


def _date_text(value: str) -> str:
    """A date given as ISO or as typed (DD.MM.YYYY) in the form's format; ``""`` if it is none."""
    if not value:
        return ""
    try:
        return vdates.format(date.fromisoformat(value))
    except ValueError:
        pass
    try:
        return vdates.format(vdates.parse(value))
    except (ValidationError, ValueError, TypeError):
        return ""


def _citizenship(nationality: str) -> str:
    """The citizenship code (``UZ``, ``XX``) a zone's nationality (``UZB``, ``XXA``) stands for, else ``""``."""
    if nationality == "XXA":
        return countries.STATELESS
    from django_countries import countries as all_countries

    for code, _name in all_countries:
        if countries.alpha3(code) == nationality:
            return str(code)
    return ""


def form_values(zone: dict[str, Any]) -> dict[str, str]:
    """The zone's fields as the wizard's forms take them ("" where the zone gives nothing usable)."""
    nationality = str(zone.get("nationality") or "")
    sex = str(zone.get("sex") or "")
    return {
        "surname": str(zone.get("surname") or ""),
        "given_names": str(zone.get("given_names") or ""),
        "birth_date": _date_text(str(zone.get("birth_date") or "")),
        "sex": sex if sex in ("M", "F") else "",
        "citizenship": "" if nationality in NO_NATIONALITY_STATED else _citizenship(nationality),
        "number": str(zone.get("document_number") or "").replace("<", ""),
        "expiry_date": _date_text(str(zone.get("expiry_date") or "")),
    }


def _same(name: str, zone: str, typed: str, patronymic: str) -> bool:
    if name in ("surname", "given_names"):
        if _letters(zone) == _letters(typed):
            return True
        # A zone may give the patronymic with the given names.
        return name == "given_names" and bool(patronymic) and _letters(zone) == _letters(f"{typed} {patronymic}")
    if name in ("birth_date", "expiry_date"):
        return _date_text(zone) == _date_text(typed)
    if name == "number":
        return re.sub(r"[\s<-]+", "", zone.upper()) == re.sub(r"[\s<-]+", "", typed.upper())
    return zone.upper() == typed.strip().upper()


def compare(zone: dict[str, Any] | None, typed: dict[str, str]) -> list[Row]:
    """Each field: the zone's value, the typed one, and equal / different / not read.

    ``zone`` is ``MRZ.as_dict()`` (``None`` when nothing was read); ``typed`` the data as the forms hold it
    (dates as DD.MM.YYYY), with ``patronymic`` besides the compared fields. A field the zone gives no
    usable value for (sex ``X``, no nationality stated), or that was not typed, is "not read".
    """
    values = form_values(zone) if zone else {}
    patronymic = typed.get("patronymic", "")
    rows = []
    for f in FIELDS:
        mine = str(typed.get(f.name) or "")
        theirs = values.get(f.name, "")
        state = NOT_READ
        if theirs and mine:
            state = EQUAL if _same(f.name, theirs, mine, patronymic) else DIFFERENT
        rows.append(Row(f, theirs, mine, state))
    return rows


# --- the readings ------------------------------------------------------------------------------


def reading_for(draft: str, scan: str) -> ZoneReading | None:
    if not draft or not scan:
        return None
    return ZoneReading.objects.filter(draft=draft, scan=scan, applicant__isnull=True).first()


def start(draft: str, scan: str) -> None:
    """Record this stored scan's reading as pending (once: a repeated start changes nothing) and queue it
    for when the transaction commits."""
    ZoneReading.objects.bulk_create([ZoneReading(draft=draft, scan=scan)], ignore_conflicts=True)
    from registration.onboarding.tasks import read_zone

    transaction.on_commit(lambda: read_zone.enqueue(draft, scan))


def read_stored(draft: str, scan: str) -> str:
    """Read the zone of a draft's stored scan and record it; returns the status."""
    from validators import mrz

    reading = reading_for(draft, scan)
    if reading is None or reading.status != ZoneStatus.PENDING:
        return reading.status if reading is not None else ""
    storage = storages["wizard"]
    try:
        with storage.open(reading.scan, "rb") as handle:
            result = mrz.read(handle.read())
    except mrz.MRZUnreadable:
        reading.status = ZoneStatus.UNREADABLE
    except (ValidationError, OSError, ValueError, ImportError):
        # No zone, or a scan already gone (the draft replaced or purged it): nothing to show.
        reading.status = ZoneStatus.NOT_FOUND
    else:
        reading.status = ZoneStatus.READ
        reading.zone_json = json.dumps(result.as_dict())
    reading.save(update_fields=["status", "zone_json"])
    logger.info("zone reading %s: %s", reading.pk, reading.status)
    return str(reading.status)


def zone_of(reading: ZoneReading | None) -> dict[str, Any] | None:
    if reading is None or reading.status != ZoneStatus.READ:
        return None
    try:
        data = json.loads(reading.zone_json or "{}")
    except ValueError:
        return None
    return data if isinstance(data, dict) and data else None


def attach(reading: ZoneReading, applicant: Any, typed: dict[str, str]) -> None:
    """Give the submitted application the reading of its scan, with whether the zone and its data differ."""
    rows = compare(zone_of(reading), typed)
    if any(row.state == DIFFERENT for row in rows):
        outcome = ZoneOutcome.DIFFER
    elif any(row.state == EQUAL for row in rows):
        outcome = ZoneOutcome.EQUAL
    else:
        outcome = ZoneOutcome.NOT_READ
    reading.applicant = applicant
    reading.outcome = outcome
    reading.save(update_fields=["applicant", "outcome"])


def applicant_typed(applicant: Any, document: Any) -> dict[str, str]:
    """What an application says, as the forms hold it, for :func:`compare`."""
    return {
        "surname": applicant.surname,
        "given_names": applicant.given_names,
        "patronymic": applicant.patronymic,
        "birth_date": vdates.format(applicant.birth_date) if applicant.birth_date else "",
        "sex": applicant.sex,
        "citizenship": str(applicant.citizenship or ""),
        "number": document.number if document is not None else "",
        "expiry_date": vdates.format(document.expiry_date) if document is not None and document.expiry_date else "",
    }


STATE_LABELS = {EQUAL: _("Equal"), DIFFERENT: _("Different"), NOT_READ: _("Not read")}


def for_clerks(applicant: Any) -> list[dict[str, Any]]:
    """The clerks' comparison: each field typed, as the scan's zone gives it, and equal / different / not read.

    An application without a reading (submitted before the zone was read, or whose scan had none) is
    "not read" throughout.
    """
    from registration.accounts.models import DocumentRole

    document = applicant.documents.filter(role=DocumentRole.IDENTITY).first()
    reading = ZoneReading.objects.filter(applicant=applicant).first()
    rows = compare(zone_of(reading), applicant_typed(applicant, document))
    return [
        {
            "label": row.label,
            "typed": row.typed_shown,
            "zone": row.zone_shown,
            "state": row.state,
            "state_label": STATE_LABELS[row.state],
        }
        for row in rows
    ]
