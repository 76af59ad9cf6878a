"""A new e-mail address or phone number: a code to it first, then it replaces the old one."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from registration.accounts import audit
from registration.accounts.models import Account
from registration.codes import contact as codes
from registration.codes.models import CodePurpose, OneTimeCode
from registration.core import mail
from registration.core.masking import mask_email, mask_phone
from registration.profile.flows.common import ProfileError, ensure_not_blocked, tell

# --- contacts --------------------------------------------------------------------------------------

PURPOSES = {"email": CodePurpose.EMAIL, "phone": CodePurpose.PHONE}


def contact_owner(account: Account) -> str:
    """The owner of the account's contact-change codes (separate from the wizard's and the log-in's)."""
    return f"profile:{account.pk}"


def current_contact(account: Account, purpose: str) -> str:
    return (account.email if purpose == CodePurpose.EMAIL else account.phone) or ""


def pending_contact(account: Account, purpose: str) -> OneTimeCode | None:
    """The code row of a change of ``purpose`` waiting for its code (its ``address`` is the new contact)."""
    return codes.current(purpose, contact_owner(account))


def _taken(purpose: str, address: str, account: Account) -> bool:
    field = "email" if purpose == CodePurpose.EMAIL else "phone"
    return Account.objects.filter(**{field: address}).exclude(pk=account.pk).exists()


def start_contact_change(
    account: Account, purpose: str, address: str, *, request: HttpRequest | None = None
) -> codes.SendOutcome:
    """Send a code to the new e-mail address or phone; nothing changes until the code is typed."""
    ensure_not_blocked(account)
    if purpose == CodePurpose.EMAIL:
        address = Account.objects.normalize_email(address)
    if address == current_contact(account, purpose):
        raise ProfileError("same_address")
    if _taken(purpose, address, account):
        raise ProfileError("email_taken" if purpose == CodePurpose.EMAIL else "phone_taken")
    outcome = codes.send_code(
        purpose,
        contact_owner(account),
        address,
        request=request,
        force=True,
        email_template="profile_email_code",
        language=mail.language_of(account),  # a support operator may resend it: the person's language
    )
    if outcome.code == codes.SENT:
        audit.record(
            "profile.contact_change_started",
            account=account,
            actor=account,
            request=request,
            data={"contact": str(purpose)},
        )
    return outcome


def resend_contact_code(account: Account, purpose: str, *, request: HttpRequest | None = None) -> codes.SendOutcome:
    """Send the code for the change waiting for it again (cool-down and rate limits apply)."""
    row = pending_contact(account, purpose)
    if row is None or row.is_confirmed:
        raise ProfileError("nothing_to_resend")
    return codes.send_code(
        purpose,
        contact_owner(account),
        row.address,
        request=request,
        force=True,
        email_template="profile_email_code",
        language=mail.language_of(account),  # a support operator may resend it: the person's language
    )


def cancel_contact_change(account: Account, purpose: str, *, request: HttpRequest | None = None) -> None:
    """Forget a change waiting for its code: the contact stays as it is."""
    deleted = codes.discard(purpose, contact_owner(account))
    if deleted:
        audit.record(
            "profile.contact_change_cancelled",
            account=account,
            actor=account,
            request=request,
            data={"contact": str(purpose)},
        )


def confirm_contact_change(
    account: Account, purpose: str, typed: str, *, request: HttpRequest | None = None
) -> codes.CheckOutcome:
    """Check the typed code; when it matches, the new contact replaces the old one at once."""
    row = pending_contact(account, purpose)
    if row is None:
        return codes.CheckOutcome(codes.NO_CODE)
    outcome = codes.check_code(purpose, contact_owner(account), row.address, typed, request=request)
    if outcome.ok:
        apply_contact_change(account, purpose, row.address, request=request)
    return outcome


def apply_contact_change(account: Account, purpose: str, address: str, *, request: HttpRequest | None = None) -> None:
    """Replace the contact (the code was typed), audit it and tell the old address."""
    field = "email" if purpose == CodePurpose.EMAIL else "phone"
    try:
        with transaction.atomic():
            locked = Account.objects.select_for_update().get(pk=account.pk)
            old = getattr(locked, field) or ""
            if _taken(purpose, address, account):
                raise ProfileError(f"{field}_taken")
            Account.objects.filter(pk=account.pk).update(**{field: address, "updated_at": timezone.now()})
            codes.discard(purpose, contact_owner(account))
            audit.record(f"profile.{field}_changed", account=account, actor=account, request=request)
    except IntegrityError:  # the unique index decided a race with another account
        codes.discard(purpose, contact_owner(account))
        raise ProfileError(f"{field}_taken") from None
    except ProfileError:
        codes.discard(purpose, contact_owner(account))
        raise
    setattr(account, field, address)
    if field == "email":
        tell(account, "profile_email_changed", old, {"new_address": mask_email(address)})
    else:
        tell(
            account,
            "profile_phone_changed",
            account.email,
            {"old_phone": mask_phone(old), "new_phone": mask_phone(address)},
        )
