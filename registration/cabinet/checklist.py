"""What a pending person still has to do, for the cabinet's status page."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import Account, Applicant


@dataclass(frozen=True)
class ChecklistItem:
    label: str
    done: bool
    hint: str = ""


def applicant_of(account: Account) -> Applicant | None:
    return Applicant.objects.filter(account=account).prefetch_related("documents").first()


def pending_checklist(account: Account, applicant: Applicant | None) -> list[ChecklistItem]:
    """What a pending account has done and what is still missing before it can become active."""
    items = [
        ChecklistItem(str(_("Phone number and e-mail address confirmed")), True),
        ChecklistItem(str(_("Application with your documents sent")), applicant is not None),
    ]
    if applicant is not None:
        today = timezone.localdate()
        for document in applicant.documents.all():
            if document.expiry_date and document.expiry_date < today:
                items.append(
                    ChecklistItem(
                        str(_("%(document)s is valid") % {"document": document.get_kind_display()}),
                        False,
                        str(_("It has expired: contact support to replace it.")),
                    )
                )
    items.append(
        ChecklistItem(
            str(_("Identity confirmed")),
            False,
            str(_("Choose one of the ways below. A clerk then checks your documents.")),
        )
    )
    return items
