"""The support operators' flows: answering a support request and changing its status.

Both append an audit event and e-mail the person (``support_answer``), so that the person learns of
the answer even without logging in.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import audit, mail
from .models import Account, SupportMessage, SupportRequest, SupportStatus

logger = logging.getLogger(__name__)

audit.register_actions(
    {
        "support.answered": _("Support request answered"),
        "support.status_changed": _("Support request status changed"),
        "support.attachment_viewed": _("Support request attachment viewed"),
    }
)


class SupportError(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _tell(support_request: SupportRequest, body: str) -> None:
    account = support_request.account
    try:
        mail.send_templated(
            "support_answer",
            account.email,
            {
                "support_request": support_request,
                "body": body,
                "status_label": support_request.get_status_display(),
            },
            language=account.preferred_language or None,
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
    previous = support_request.status
    if previous == status:
        return
    with transaction.atomic():
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
