"""The support operators' flows: answering a support request, changing its status, opening one for a
caller, and internal notes.

Answers and status changes append an audit event and e-mail the person (``support_answer``), so that
the person learns of the answer even without logging in. Internal notes are never shown or sent to
the person.
"""

from __future__ import annotations

import logging
import re
from typing import IO

from django.core.files import File
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit, identifiers
from registration.accounts.models import Account, Applicant
from registration.core import mail
from registration.core.errors import FlowError
from registration.core.files import saved_scans
from registration.support.models import SupportChannel, SupportMessage, SupportRequest, SupportStatus

logger = logging.getLogger(__name__)

audit.register_actions(
    {
        "support.answered": _("Support request answered"),
        "support.status_changed": _("Support request status changed"),
        "support.attachment_viewed": _("Support request attachment viewed"),
        "support.opened_for_caller": _("Support request opened for a caller"),
        "support.note_added": _("Internal note added to a support request"),
    }
)


class SupportError(FlowError):
    """The support desk refuses an action; ``code`` is stable."""

    messages = {"same_status": _("The request already has this status: nothing was changed.")}


def _tell(support_request: SupportRequest, body: str) -> None:
    account = support_request.account
    try:
        mail.send_to_account(
            account,
            "support_answer",
            {
                "support_request": support_request,
                "body": body,
                # Lazy: the status reads in the person's language, not the operator's.
                "status_label": SupportStatus(support_request.status).label,
            },
        )
    except OSError:
        logger.warning("Support e-mail could not be sent for request %s.", support_request.pk)


def answer(
    support_request: SupportRequest,
    *,
    by: Account,
    body: str,
    status: str = SupportStatus.WAITING,
    request: HttpRequest | None = None,
) -> SupportMessage:
    """Add the operator's answer to the thread, set the status, and e-mail the person."""
    body = (body or "").strip()
    if not body:
        raise SupportError("empty_answer")
    if status not in SupportStatus.values:
        raise SupportError("invalid_status")
    with transaction.atomic():
        message = SupportMessage.objects.create(request=support_request, author=by, from_staff=True, body=body)
        previous = support_request.status
        support_request.status = status
        support_request.assigned_to = support_request.assigned_to or by
        support_request.save(update_fields=["status", "assigned_to", "updated_at"])
        audit.record(
            "support.answered",
            account=support_request.account,
            actor=by,
            request=request,
            data={"request": support_request.number, "message": message.pk, "from": previous, "to": status},
        )
    _tell(support_request, body)
    return message


def change_status(
    support_request: SupportRequest, *, by: Account, status: str, request: HttpRequest | None = None
) -> None:
    """Change the request's status (for example close it) and tell the person."""
    if status not in SupportStatus.values:
        raise SupportError("invalid_status")
    with transaction.atomic():
        # The status on the operator's page may be stale: compare with the row, locked.
        locked = SupportRequest.objects.select_for_update().values_list("status", flat=True)
        previous = locked.get(pk=support_request.pk)
        if previous == status:
            raise SupportError("same_status")
        support_request.status = status
        support_request.assigned_to = support_request.assigned_to or by
        support_request.save(update_fields=["status", "assigned_to", "updated_at"])
        audit.record(
            "support.status_changed",
            account=support_request.account,
            actor=by,
            request=request,
            data={"request": support_request.number, "from": previous, "to": status},
        )
    _tell(support_request, "")


_APPLICATION_NUMBER = re.compile(r"\d{10}")
_PHONE = re.compile(r"\+\d{7,15}")


def find_account(term: str) -> Account | None:
    """The person's account by application number, e-mail or phone (exactly); never a staff account."""
    term = " ".join((term or "").split())
    compact = term.replace(" ", "").replace("-", "").replace("(", "").replace(")", "")
    people = Account.objects.filter(is_staff=False, is_superuser=False)
    if _APPLICATION_NUMBER.fullmatch(compact):
        applicant = Applicant.objects.filter(application_number=compact, account__in=people).first()
        return applicant.account if applicant else None
    if "@" in term:
        return people.filter(email=identifiers.normalise_email(term)).first()
    if _PHONE.fullmatch(compact):
        return people.filter(phone=identifiers.normalise_phone(compact)).first()
    return None


def open_for_caller(
    account: Account,
    *,
    by: Account,
    topic: str,
    body: str,
    attachment: IO[bytes] | None = None,
    attachment_name: str = "",
    request: HttpRequest | None = None,
) -> SupportRequest:
    """An operator types in a request for a caller: it is the person's, seen in their account."""
    body = (body or "").strip()
    if not body:
        raise SupportError("empty_answer")
    first_line = body.splitlines()[0]
    with saved_scans() as written, transaction.atomic():
        support = SupportRequest.objects.create_numbered(
            account=account,
            topic=topic,
            subject=(first_line[:117] + "…") if len(first_line) > 120 else first_line,
            channel=SupportChannel.PHONE,
            status=SupportStatus.IN_PROGRESS,
            assigned_to=by,
        )
        message = SupportMessage(request=support, author=by, from_staff=True, body=body)
        if attachment is not None:
            attachment.seek(0)
            message.attachment.save(attachment_name or "screenshot", File(attachment), save=False)
            written.append(message.attachment)
        message.save()
        audit.record(
            "support.opened_for_caller",
            account=account,
            actor=by,
            request=request,
            data={"request": support.number, "topic": topic},
        )
    return support


def add_note(
    support_request: SupportRequest, *, by: Account, body: str, request: HttpRequest | None = None
) -> SupportMessage:
    """An internal note in the thread: support reads it; the person never sees it and is not e-mailed."""
    body = (body or "").strip()
    if not body:
        raise SupportError("empty_answer")
    with transaction.atomic():
        note = SupportMessage.objects.create(
            request=support_request, author=by, from_staff=True, internal=True, body=body
        )
        audit.record(
            "support.note_added",
            account=support_request.account,
            actor=by,
            request=request,
            data={"request": support_request.number, "message": note.pk},
        )
    return note
