"""The queue's copy of each person's identity-confirmation state on their applicant row.

The clerks' queue filters and sorts applications by the method and service centre of the confirmation it
shows (the open one, else the latest), and by the account's status. Evaluating that confirmation for
every row of a large table is what made the filtered queue slow; so they are kept on ``Applicant``
(``queue_method``, ``queue_centre``, ``queue_status``), where composite indexes serve each filter. They
change in the same transaction as what they copy: ``IdentityConfirmation.save`` and ``flows.cancel``
call :func:`refresh`, ``registration.accounts.status`` copies the status.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from registration.accounts.models import Account, Applicant
from registration.identity.models import OPEN_STATES, IdentityConfirmation


def shown_confirmations(account: Any) -> QuerySet[IdentityConfirmation]:
    """The account's confirmations, the one the queue shows first: the open one, else the latest."""
    return (
        IdentityConfirmation.objects.filter(account=account)
        .annotate(
            closed=Case(When(state__in=OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("closed", "-started_at", "-pk")
    )


def refresh(account_id: int) -> None:
    """Copy the shown confirmation's method and centre onto the account's applicant row (if it has one)."""
    shown = shown_confirmations(account_id).values_list("method", "centre_id").first()
    method, centre_id = shown if shown is not None else ("", None)
    Applicant.objects.filter(account_id=account_id).update(queue_method=method, queue_centre_id=centre_id)


def backfill() -> int:
    """Recompute the copies of every applicant in one statement (after bulk loads); returns the rows updated."""
    shown = shown_confirmations(OuterRef("account_id"))
    return Applicant.objects.update(
        queue_status=Subquery(Account.objects.filter(pk=OuterRef("account_id")).values("status")[:1]),
        queue_method=Coalesce(Subquery(shown.values("method")[:1]), Value("")),
        queue_centre=Subquery(shown.values("centre_id")[:1]),
    )
