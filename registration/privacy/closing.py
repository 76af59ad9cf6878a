"""Closing an account at the person's request: the withdrawal of their consent (152-FZ, article 9, part 2)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from registration.accounts import status
from registration.accounts.models import Account
from registration.codes.models import OneTimeCode
from registration.core import mail
from registration.core.conf import app_settings
from registration.identity import queue_columns
from registration.identity.models import (
    OPEN_STATES,
    ConfirmationState,
    IdentityConfirmation,
    LetterState,
    PostLetter,
    VideoSlot,
)
from registration.privacy.models import Closure, ClosureReason
from registration.services import flows as service_flows

PERSON_REASON = "closed by the person"


def close_account(account: Account, *, request: HttpRequest | None = None) -> Closure:
    """Close ``account`` now (no log-in, e-mail and phone freed) and schedule the erasure of its data.

    The confirmation goes to the address the account had, in its language, before the address is freed.
    """
    address = account.email
    now = timezone.now()
    with transaction.atomic():
        closure = Closure.objects.create(
            account=account,
            reason=ClosureReason.PERSON,
            closed_at=now,
            erase_after=now + timedelta(days=app_settings.CLOSED_ACCOUNT_HOLD_DAYS),
        )
        status.close(account, by=account, reason=PERSON_REASON, request=request, data={"rule": "person"})
        stop_work_on(account)
        transaction.on_commit(
            lambda: mail.send_to_account(
                account, "privacy_account_closed", {"erase_after": closure.erase_after}, to=address
            )
        )
    return closure


def stop_work_on(account: Account) -> None:
    """Nothing more is done for a closed account: its open identity confirmation is cancelled (off the clerks'
    desks), its letters are not printed, its booked video calls are freed, its live codes revoked and its
    applications for services under way withdrawn (off the migration office's desk)."""
    now = timezone.now()
    IdentityConfirmation.objects.filter(account=account, state__in=OPEN_STATES).update(
        state=ConfirmationState.CANCELLED, completed_at=now, updated_at=now
    )
    queue_columns.refresh(account.pk)
    PostLetter.objects.filter(account=account, state=LetterState.PENDING).update(state=LetterState.CANCELLED)
    VideoSlot.objects.filter(booked_for__account=account, starts_at__gt=now).update(booked_for=None, booked_at=None)
    OneTimeCode.objects.filter(account=account).live().update(revoked_at=now)
    service_flows.withdraw_open(account)
