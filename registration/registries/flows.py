"""Asking the registries about an application and recording what they said.

``schedule(applicant)`` (called when an application is submitted) records one pending check per
question the application gives something to ask, and queues a background task once the transaction
commits. The task (``tasks.check_application``) asks each question not yet settled and records the
answer, audited. A registry that is down never blocks anybody: its question is marked "registry
unavailable" with the time of the next check, which doubles each round up to
``REGISTRATION_REGISTRY_RECHECK_MAX_SECONDS``; the task is queued again for that time, and
``manage.py recheck_registries`` (for cron) queues whatever is due, should a queued task be lost.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.dispatch import Signal
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.accounts.models import Applicant
from registration.core import metrics
from registration.core.conf import app_settings
from registration.registries import backends
from registration.registries.models import RegistryCheck, RegistryStanding, Standing
from registration.registries.questions import QUESTIONS, SETTLED, Outcome, get

logger = logging.getLogger(__name__)

#: Sent after a check's outcome is recorded (``check`` is the ``RegistryCheck``): identity listens.
check_recorded = Signal()

audit.register_actions(
    {
        "registry.answered": _("Registry answered"),
        "registry.unavailable": _("Registry unavailable"),
    }
)

#: Questions whose answer informs but does not confirm or contradict what the person typed.
INFORMATIVE = frozenset({"migration_phone"})


# --- scheduling ----------------------------------------------------------------------------------


def questions_for(applicant: Applicant) -> list[str]:
    """The questions this application gives something to ask."""
    return [code for code, question in QUESTIONS.items() if question.payload(applicant) is not None]


def schedule(applicant: Applicant) -> None:
    """Record a pending check per question and queue the checks for when the transaction commits.

    A few queries whatever the number of questions: it runs inside the submission's transaction.
    """
    prefetch_related_objects([applicant], "documents")
    codes = questions_for(applicant)
    RegistryCheck.objects.bulk_create(
        [RegistryCheck(applicant=applicant, question=code, registry=get(code).registry) for code in codes],
        ignore_conflicts=True,
    )
    state = standing_of(dict.fromkeys(codes, Outcome.PENDING))
    RegistryStanding.objects.bulk_create([RegistryStanding(applicant=applicant, state=state)], ignore_conflicts=True)
    applicant_id = applicant.pk
    transaction.on_commit(lambda: enqueue(applicant_id))


def enqueue(applicant_id: int, *, at: datetime | None = None) -> bool:
    """Queue the checks of one application (at ``at``, if the task backend can defer); False if not queued."""
    from registration.registries.tasks import check_application

    task = check_application
    if at is not None:
        if not task.get_backend().supports_defer:
            return False  # manage.py recheck_registries queues it when due
        task = task.using(run_after=at)
    try:
        task.enqueue(applicant_id)
    except Exception:  # the queue itself is down: the check stays due, and the sweep queues it
        logger.exception("Could not queue the registry checks of application %s.", applicant_id)
        return False
    return True


def recheck_due(now: datetime | None = None, *, stale_after: timedelta = timedelta(minutes=10)) -> int:
    """Queue the checks of every application with a question due again (or pending too long); returns how many."""
    now = now or timezone.now()
    due = (
        RegistryCheck.objects.filter(
            Q(outcome=Outcome.UNAVAILABLE, next_check_at__lte=now)
            | Q(outcome=Outcome.PENDING, created_at__lte=now - stale_after)
        )
        .order_by("applicant_id")
        .values_list("applicant_id", flat=True)
        .distinct()
    )
    return sum(enqueue(applicant_id) for applicant_id in due)


def recheck_delay(failures: int) -> timedelta:
    """The wait before asking again after ``failures`` rounds without an answer (doubling, capped)."""
    base = int(app_settings.REGISTRY_RECHECK_SECONDS)
    longest = int(app_settings.REGISTRY_RECHECK_MAX_SECONDS)
    return timedelta(seconds=min(longest, base * 2 ** max(0, min(failures - 1, 30))))


# --- asking ------------------------------------------------------------------------------------------


def run_checks(applicant_id: int, only: Iterable[str] | None = None) -> dict[str, str]:
    """Ask every unsettled question of one application; returns question → outcome recorded."""
    applicant = (
        Applicant.objects.select_related("account").prefetch_related("documents").filter(pk=applicant_id).first()
    )
    if applicant is None:
        return {}
    rows = RegistryCheck.objects.filter(applicant=applicant).exclude(outcome__in=SETTLED)
    if only is not None:
        rows = rows.filter(question__in=list(only))
    recorded: dict[str, str] = {}
    for row in rows:
        payload = get(row.question).payload(applicant)
        if payload is None:  # the application no longer gives it (a change removed the SNILS)
            row.delete()
            continue
        answer = backends.ask(row.question, payload)
        if row.question == "migration_phone" and answer.outcome == Outcome.MATCH:
            # The registry gives the number; whether it is the one the person gave is ours to say.
            same = answer.phone == (applicant.account.phone or "")
            answer = replace(answer, outcome=Outcome.MATCH if same else Outcome.NO_MATCH)
        if record(row, answer):
            recorded[row.question] = row.outcome
    refresh_standing(applicant)
    due = (
        RegistryCheck.objects.filter(applicant=applicant, outcome=Outcome.UNAVAILABLE)
        .order_by("next_check_at")
        .values_list("next_check_at", flat=True)
        .first()
    )
    if due is not None:
        enqueue(applicant.pk, at=due)
    return recorded


def record(row: RegistryCheck, answer: backends.Answer) -> bool:
    """Record ``answer`` on ``row`` unless another task settled it first; audited. True if recorded."""
    now = timezone.now()
    if answer.settled:
        changes = {
            "outcome": answer.outcome,
            "reference": answer.reference,
            "detail": answer.detail,
            "found_phone": answer.phone,
            "answered_at": now,
            "failures": 0,
            "next_check_at": None,
        }
    else:
        failures = row.failures + 1
        changes = {
            "outcome": Outcome.UNAVAILABLE,
            "detail": answer.detail,
            "failures": failures,
            "next_check_at": now + recheck_delay(failures),
        }
    for name, value in changes.items():
        setattr(row, name, value)
    with transaction.atomic():
        # Written only while unsettled: a re-check racing with another never overwrites an answer.
        unsettled = RegistryCheck.objects.select_for_update().filter(pk=row.pk).exclude(outcome__in=SETTLED)
        if not unsettled.exists():
            return False
        row.save(update_fields=list(changes))
        audit.record(
            "registry.answered" if answer.settled else "registry.unavailable",
            account=row.applicant.account,
            data={
                "question": row.question,
                "registry": row.registry,
                "outcome": row.outcome,
                "reference": row.reference,
                "detail": row.detail,
            },
        )
    metrics.registry_answer(row.question, row.outcome)
    check_recorded.send(sender=RegistryCheck, check=row)
    return True


# --- what the checks add up to ------------------------------------------------------------------------


def standing_of(outcomes: dict[str, str]) -> str:
    """The application's standing from its outcomes by question."""
    counted = {q: o for q, o in outcomes.items() if q not in INFORMATIVE}
    if any(o in (Outcome.NO_MATCH, Outcome.NOT_FOUND) for o in counted.values()):
        return Standing.DISAGREES
    if any(o not in SETTLED for o in counted.values()):
        return Standing.NOT_CHECKED
    return Standing.AGREES


def refresh_standing(applicant: Applicant) -> str:
    outcomes = dict(RegistryCheck.objects.filter(applicant=applicant).values_list("question", "outcome"))
    state = standing_of(outcomes)
    RegistryStanding.objects.update_or_create(applicant=applicant, defaults={"state": state})
    return state


def outcome(applicant: Applicant, question: str) -> RegistryCheck | None:
    return RegistryCheck.objects.filter(applicant=applicant, question=question).first()


def phone_on_record(applicant: Applicant) -> str:
    """The mobile number on the person's migration record, as the registry gave it ('' if none)."""
    row = outcome(applicant, "migration_phone")
    return row.found_phone if row is not None and row.outcome in (Outcome.MATCH, Outcome.NO_MATCH) else ""


# --- what people and clerks read ----------------------------------------------------------------------

WAITING = "waiting"

#: The person's plain statements, by question and outcome (pending and unavailable read "waiting").
STATEMENTS: dict[tuple[str, str], Promise] = {
    ("snils", Outcome.MATCH): _("SNILS confirmed by the Social Fund of Russia."),
    ("snils", Outcome.NO_MATCH): _(
        "The Social Fund of Russia holds this SNILS under other personal details. Check the number; a clerk "
        "will look at it."
    ),
    ("snils", Outcome.NOT_FOUND): _(
        "The Social Fund of Russia does not know this SNILS. You can go on without it; a clerk will look at it."
    ),
    ("snils", WAITING): _("The SNILS has not been checked with the Social Fund of Russia yet: this happens by itself."),
    ("inn", Outcome.MATCH): _("INN confirmed by the Federal Tax Service."),
    ("inn", Outcome.NO_MATCH): _(
        "The Federal Tax Service holds this INN under other personal details. Check the number; a clerk will "
        "look at it."
    ),
    ("inn", Outcome.NOT_FOUND): _(
        "The Federal Tax Service does not know this INN. You can go on without it; a clerk will look at it."
    ),
    ("inn", WAITING): _("The INN has not been checked with the Federal Tax Service yet: this happens by itself."),
    ("identity_document", Outcome.MATCH): _(
        "Your identity document is confirmed by the Ministry of Internal Affairs: valid and yours."
    ),
    ("identity_document", Outcome.NO_MATCH): _(
        "The Ministry of Internal Affairs does not confirm your identity document (it is not valid, or recorded "
        "under other details). A clerk will look at it."
    ),
    ("identity_document", Outcome.NOT_FOUND): _(
        "The Ministry of Internal Affairs has no record of your identity document. A clerk will look at it."
    ),
    ("identity_document", WAITING): _(
        "Your identity document has not been checked with the Ministry of Internal Affairs yet: this happens by itself."
    ),
    ("stay_document", Outcome.MATCH): _(
        "Your document of stay is confirmed by the Ministry of Internal Affairs: valid and yours."
    ),
    ("stay_document", Outcome.NO_MATCH): _(
        "The Ministry of Internal Affairs does not confirm your document of stay (it is not valid, or recorded "
        "under other details). A clerk will look at it."
    ),
    ("stay_document", Outcome.NOT_FOUND): _(
        "The Ministry of Internal Affairs has no record of your document of stay. A clerk will look at it."
    ),
    ("stay_document", WAITING): _(
        "Your document of stay has not been checked with the Ministry of Internal Affairs yet: this happens by itself."
    ),
    ("migration_phone", Outcome.MATCH): _("Your mobile number is the one on your migration record."),
    ("migration_phone", Outcome.NO_MATCH): _("Your migration record holds another mobile number than yours."),
    ("migration_phone", Outcome.NOT_FOUND): _("Your migration record holds no mobile number."),
    ("migration_phone", WAITING): _("Your migration record has not been checked yet: this happens by itself."),
    ("address", Outcome.MATCH): _("Your address is confirmed by the state address register."),
    ("address", Outcome.NO_MATCH): _(
        "The state address register does not confirm your address as typed. A clerk will look at it."
    ),
    ("address", Outcome.NOT_FOUND): _(
        "The state address register does not know your address. A clerk will look at it."
    ),
    ("address", WAITING): _("Your address has not been checked with the state address register yet."),
}


@dataclass(frozen=True)
class Shown:
    """One question's outcome as shown: the statement, the time and the registry's reference."""

    question: str
    label: Promise
    registry: Promise
    outcome: str
    outcome_label: str
    statement: Promise
    checked_at: datetime | None
    reference: str
    next_check_at: datetime | None

    @property
    def settled(self) -> bool:
        return self.outcome in SETTLED


def shown(applicant: Applicant) -> list[Shown]:
    """Every recorded check of ``applicant``, in the questions' order, ready to show."""
    rows = {row.question: row for row in RegistryCheck.objects.filter(applicant=applicant)}
    result = []
    for code, question in QUESTIONS.items():
        row = rows.get(code)
        if row is None:
            continue
        key = row.outcome if row.outcome in SETTLED else WAITING
        result.append(
            Shown(
                question=code,
                label=question.label,
                registry=question.registry_label(),
                outcome=row.outcome,
                outcome_label=row.get_outcome_display(),
                statement=STATEMENTS[(code, key)],
                checked_at=row.answered_at,
                reference=row.reference,
                next_check_at=row.next_check_at if row.outcome == Outcome.UNAVAILABLE else None,
            )
        )
    return result
