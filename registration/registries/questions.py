"""The questions the service asks the agencies' registries, and the outcomes an answer can have.

Each question is one small interface: what is asked (built from an application), of which registry,
and what the answer means. Russian services reach these registries over the interagency exchange
(SMEV); here each registry is an HTTP endpoint (``backends.py``), simulated locally by
``simulator/``.

| question | registry | asks |
| --- | --- | --- |
| ``snils`` | Social Fund (SFR) | does this SNILS belong to this person |
| ``inn`` | tax service (FNS) | is this INN this person's |
| ``identity_document`` | MVD | is this identity document valid, and whose |
| ``stay_document`` | MVD | is this document of stay valid, and whose |
| ``migration_phone`` | MVD | which mobile number is on this person's migration record |
| ``address`` | address register (GAR) | does this address exist (region, city, street, house, postcode) |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from registration.accounts.models import Applicant, Document


class Outcome(models.TextChoices):
    """What the registry said (or that it could not be asked yet)."""

    PENDING = "pending", _("not checked yet")
    MATCH = "match", _("match")
    NO_MATCH = "no_match", _("no match")
    NOT_FOUND = "not_found", _("not found")
    UNAVAILABLE = "unavailable", _("registry unavailable")


#: Outcomes the registry gave: the question is settled and is not asked again by itself.
SETTLED = (Outcome.MATCH, Outcome.NO_MATCH, Outcome.NOT_FOUND)


class Registry(models.TextChoices):
    SFR = "sfr", _("Social Fund of Russia (SFR)")
    FNS = "fns", _("Federal Tax Service (FNS)")
    MVD = "mvd", _("Ministry of Internal Affairs (MVD)")
    GAR = "gar", _("State address register (GAR)")


def _person(applicant: Applicant) -> dict[str, str]:
    return {
        "surname": applicant.surname.upper(),
        "given_names": applicant.given_names.upper(),
        "birth_date": applicant.birth_date.isoformat(),
    }


def _document(applicant: Applicant, role: str) -> Document | None:
    documents = [d for d in applicant.documents.all() if d.role == role and d.number]
    return max(documents, key=lambda d: d.created_at) if documents else None


def _document_payload(applicant: Applicant, role: str) -> dict[str, Any] | None:
    document = _document(applicant, role)
    if document is None:
        return None
    return {
        **_person(applicant),
        "kind": document.kind,
        "country": str(document.country or ""),
        "series": document.series,
        "number": document.number,
    }


def _snils(applicant: Applicant) -> dict[str, Any] | None:
    return {**_person(applicant), "snils": applicant.snils} if applicant.snils else None


def _inn(applicant: Applicant) -> dict[str, Any] | None:
    return {**_person(applicant), "inn": applicant.inn} if applicant.inn else None


def _identity_document(applicant: Applicant) -> dict[str, Any] | None:
    return _document_payload(applicant, "identity")


def _stay_document(applicant: Applicant) -> dict[str, Any] | None:
    return _document_payload(applicant, "stay")


def _address(applicant: Applicant) -> dict[str, Any] | None:
    return {
        "region": applicant.region,
        "city": applicant.city,
        "street": applicant.street,
        "house": applicant.house,
        "postcode": applicant.postcode,
    }


@dataclass(frozen=True)
class Question:
    """One question: its code, the registry that answers it, and how an application puts it."""

    code: str
    registry: str
    label: Promise
    # The request's body for this application, or None when the application gives nothing to ask.
    payload: Callable[[Applicant], dict[str, Any] | None]

    def registry_label(self) -> Promise:
        return Registry(self.registry).label


QUESTIONS: dict[str, Question] = {
    question.code: question
    for question in (
        Question("snils", Registry.SFR, _("SNILS"), _snils),
        Question("inn", Registry.FNS, _("INN"), _inn),
        Question("identity_document", Registry.MVD, _("identity document"), _identity_document),
        Question("stay_document", Registry.MVD, _("document of stay"), _stay_document),
        # Asked with the identity document: the migration record is found by it.
        Question("migration_phone", Registry.MVD, _("mobile number on the migration record"), _identity_document),
        Question("address", Registry.GAR, _("address"), _address),
    )
}


def get(code: str) -> Question:
    return QUESTIONS[code]


def choices() -> list[tuple[str, Any]]:
    return [(q.code, q.label) for q in QUESTIONS.values()]
