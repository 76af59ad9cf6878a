"""The person's side of the support line: their requests, a new request, a message in a thread."""

from __future__ import annotations

from typing import IO

from django.core.files import File
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.accounts.models import Account
from registration.core.files import saved_scans
from registration.support.models import SupportMessage, SupportRequest, SupportStatus, SupportTopic

audit.register_actions(
    {
        "support.request_created": _("Support request sent"),
        "support.message_added": _("Message added to a support request"),
    }
)


def support_requests_of(account: Account, limit: int | None = None) -> list[SupportRequest]:
    queryset = SupportRequest.objects.filter(account=account).order_by("-created_at", "-pk")
    return list(queryset[:limit] if limit else queryset)


def create_support_request(
    account: Account,
    *,
    subject: str,
    body: str,
    topic: str = SupportTopic.ACCESS,
    attachment: IO[bytes] | None = None,
    attachment_name: str = "",
    request: HttpRequest | None = None,
) -> SupportRequest:
    """Open a support request with its first message (and an optional screenshot)."""
    with saved_scans() as written, transaction.atomic():
        support = SupportRequest.objects.create_numbered(account=account, topic=topic, subject=subject[:200])
        message = SupportMessage(request=support, author=account, body=body)
        if attachment is not None:
            attachment.seek(0)
            message.attachment.save(attachment_name or "screenshot", File(attachment), save=False)
            written.append(message.attachment)
        message.save()
        audit.record(
            "support.request_created", account=account, actor=account, request=request, data={"number": support.number}
        )
    return support


def add_support_message(
    support: SupportRequest,
    *,
    author: Account,
    body: str,
    attachment: IO[bytes] | None = None,
    attachment_name: str = "",
    request: HttpRequest | None = None,
) -> SupportMessage:
    """The person writes again in their request (optionally with a screenshot): it goes back to the queue."""
    with saved_scans() as written, transaction.atomic():
        message = SupportMessage(request=support, author=author, body=body, from_staff=False)
        if attachment is not None:
            attachment.seek(0)
            message.attachment.save(attachment_name or "screenshot", File(attachment), save=False)
            written.append(message.attachment)
        message.save()
        if support.status in (SupportStatus.WAITING, SupportStatus.RESOLVED):
            support.status = SupportStatus.NEW
        support.updated_at = timezone.now()
        support.save(update_fields=["status", "updated_at"])
        audit.record(
            "support.message_added", account=author, actor=author, request=request, data={"number": support.number}
        )
    return message
