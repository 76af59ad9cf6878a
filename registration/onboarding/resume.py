"""Saving a registration draft on the server and continuing it later, in this browser or in another one.

* Once the draft's e-mail is confirmed, every change of the draft is copied to a :class:`SavedDraft`
  (encrypted at rest), kept ``REGISTRATION_WIZARD_DRAFT_DAYS`` (30) after its last change; its uploads
  are kept as long (``purge_wizard_files`` skips them, then deletes them with the draft).
* The browser that started it keeps a random handle in a signed cookie (the database has only the
  handle's keyed hash).
* "Save and continue later", and a session found lost, e-mail a link (in the person's language): a
  random token, stored only as its keyed hash, working once for ``REGISTRATION_WIZARD_RESUME_LINK_DAYS``
  (7). Nothing personal is in it. In the browser holding the handle it continues at once; anywhere else
  a code from the one code service (purpose ``resume``: hashed, attempt-limited, with a cooldown) is
  first texted to the draft's confirmed phone (e-mailed when no phone is confirmed).
* Links are limited per draft (``wizard_resume_draft``), opened links and codes per client address
  (``wizard_resume_ip``); SMS and e-mails count against the usual sending limits too.
"""

from __future__ import annotations

import json
import logging
import secrets
import string
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.codes import contact, service
from registration.codes.models import CodePurpose, OneTimeCode
from registration.codes.sms import SmsSendError, send_sms
from registration.core import mail, ratelimit
from registration.core.conf import app_settings
from registration.core.crypto import derived_keys, keyed_digest
from registration.core.http import client_ip
from registration.onboarding.models import SavedDraft

logger = logging.getLogger(__name__)

#: Where formtools keeps the wizard's draft in the session (``wizard_`` + the view's prefix).
SESSION_DATA_KEY = "wizard_registration_wizard"
HANDLE_COOKIE = "registration_draft"
#: "1" while this browser has a registration in progress (no personal data): without a draft in the
#: session it means the session was lost, not that the person is new.
STARTED_COOKIE = "registration_started"
HANDLE_SALT = "registration.onboarding.draft-handle"
HANDLE_KEY = b"wizard-draft-handle"
LINK_KEY = b"wizard-resume-link"
TOKEN_BYTES = 32
TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)
_TOKEN_ALPHABET = frozenset(string.ascii_letters + string.digits + "-_")

# Outcomes of send_link and send_code (stable: the views map them to messages).
SENT = "sent"
RATE_LIMITED = "rate_limited"
SEND_FAILED = "send_failed"
COOLDOWN = "cooldown"

audit.register_actions(
    {
        "wizard.resume_link_sent": _("Link to continue a registration sent"),
        "wizard.resumed": _("Saved registration continued"),
        "wizard.resume_code_sent": _("Code to continue a registration sent"),
        "wizard.resume_code_refused": _("Code to continue a registration refused"),
    }
)


def draft_days() -> int:
    return int(app_settings.WIZARD_DRAFT_DAYS)


def link_days() -> int:
    return int(app_settings.WIZARD_RESUME_LINK_DAYS)


# --- the browser's handle ----------------------------------------------------------------------


def new_handle() -> str:
    return secrets.token_hex(16)


def handle_digests(handle: str) -> list[str]:
    """The handle's keyed hash under every key in use, newest first."""
    return [keyed_digest(key, "handle", handle) for key in derived_keys(HANDLE_KEY)]


def browser_handle(request: HttpRequest) -> str:
    """The handle in this browser's signed cookie ("" when none, or when it was tampered with)."""
    return str(request.get_signed_cookie(HANDLE_COOKIE, default="", salt=HANDLE_SALT) or "")


def set_handle_cookie(response: HttpResponse, handle: str) -> None:
    response.set_signed_cookie(
        HANDLE_COOKIE,
        handle,
        salt=HANDLE_SALT,
        max_age=draft_days() * 86400,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def set_started_cookie(response: HttpResponse) -> None:
    response.set_cookie(
        STARTED_COOKIE,
        "1",
        max_age=draft_days() * 86400,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def forget_browser(response: HttpResponse) -> None:
    """The registration is finished or started again: this browser has none in progress."""
    response.delete_cookie(STARTED_COOKIE, samesite="Lax")
    response.delete_cookie(HANDLE_COOKIE, samesite="Lax")


def live() -> Any:
    return SavedDraft.objects.filter(expires_at__gt=timezone.now())


def find_by_handle(handle: str) -> SavedDraft | None:
    if not handle:
        return None
    return live().filter(handle_hash__in=handle_digests(handle)).first()


def is_this_browser(request: HttpRequest, saved: SavedDraft) -> bool:
    handle = browser_handle(request)
    return bool(handle) and saved.handle_hash in handle_digests(handle)


# --- the saved copy ----------------------------------------------------------------------------


def draft_files(data: dict[str, Any]) -> list[str]:
    """The storage names of the draft's uploads."""
    names = []
    for step_files in (data.get("step_files") or {}).values():
        for meta in step_files.values():
            if meta.get("tmp_name"):
                names.append(str(meta["tmp_name"]))
    return names


def save(
    data: dict[str, Any], *, handle: str, draft: str, step: str, language: str, want_row: bool = False
) -> SavedDraft:
    """Copy the session's draft to the server (encrypted), kept ``WIZARD_DRAFT_DAYS`` from now.

    One query on an update; the row read back only when ``want_row`` (otherwise an unsaved copy of the values).
    """
    now = timezone.now()
    values = {
        "handle_hash": handle_digests(handle)[0],
        "data": json.dumps(data),  # an EncryptedTextField: encrypted on its way to the database
        "files": draft_files(data),
        "language": language[:8],
        "step": step[:32],
        "updated_at": now,
        "expires_at": now + timedelta(days=draft_days()),
    }
    # One UPDATE on every change; the first save inserts (a parallel first save of the same draft loses
    # the insert to the unique constraint and updates instead).
    for _attempt in range(2):
        if SavedDraft.objects.filter(draft=draft).update(**values):
            return SavedDraft.objects.get(draft=draft) if want_row else SavedDraft(draft=draft, **values)
        try:
            with transaction.atomic():
                return SavedDraft.objects.create(draft=draft, created_at=now, **values)
        except IntegrityError:
            continue
    raise IntegrityError("The draft could not be saved.")  # pragma: no cover


def load(saved: SavedDraft) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(saved.data)
    return data


def contacts(saved: SavedDraft) -> tuple[str, str]:
    """The draft's confirmed ``(e-mail, phone)``; "" for one not confirmed."""
    values = load(saved).get("step_data", {}).get("contacts") or {}

    def first(key: str) -> str:
        items = values.get(f"contacts-{key}") or [""]
        return str(items[-1] if isinstance(items, list) else items)

    confirmed = contact.confirmed_addresses(saved.draft)
    email, phone = first("email"), first("phone")
    return (
        email if (str(CodePurpose.EMAIL), email) in confirmed else "",
        phone if (str(CodePurpose.PHONE), phone) in confirmed else "",
    )


def restore(request: HttpRequest, saved: SavedDraft) -> None:
    """Put the saved draft in this browser's session (under a new session key)."""
    request.session.cycle_key()
    request.session[SESSION_DATA_KEY] = load(saved)


def forget(draft: str) -> None:
    """Delete a finished or abandoned draft's saved copy and its resume codes (its files are the wizard's)."""
    for saved in SavedDraft.objects.filter(draft=draft):
        forget_codes(saved)
        saved.delete()


def forget_codes(saved: SavedDraft) -> None:
    OneTimeCode.objects.filter(purpose=CodePurpose.RESUME, subject=subject(saved)).delete()


def purge(now: Any = None, *, dry_run: bool = False) -> tuple[int, int]:
    """Delete the drafts kept past their time and their uploads; returns ``(drafts, files)``."""
    now = now or timezone.now()
    storage = storages["wizard"]
    drafts = files = 0
    for saved in SavedDraft.objects.filter(expires_at__lte=now):
        for name in saved.files:
            files += 1
            if not dry_run:
                storage.delete(name)
        drafts += 1
        if not dry_run:
            forget_codes(saved)
            saved.delete()
    return drafts, files


def kept_files() -> set[str]:
    """Uploads of the drafts still kept (the purge of old uploads leaves them)."""
    return {name for names in live().values_list("files", flat=True) for name in names}


def kept_drafts() -> list[str]:
    """The wizard drafts (code owners) still kept: their contact codes prove the confirmed contacts."""
    return list(live().values_list("draft", flat=True))


# --- the link ----------------------------------------------------------------------------------


def link_digests(token: str) -> list[str]:
    return [keyed_digest(key, "resume-link", token) for key in derived_keys(LINK_KEY)]


@dataclass(frozen=True)
class LinkOutcome:
    code: str  # "valid", "expired", "invalid"
    saved: SavedDraft | None = None


def read_link(token: str) -> LinkOutcome:
    """What a link's token stands for (no change)."""
    if len(token) != TOKEN_LENGTH or not set(token) <= _TOKEN_ALPHABET:
        return LinkOutcome("invalid")
    saved = SavedDraft.objects.filter(link_hash__in=link_digests(token)).first()
    if saved is None:
        return LinkOutcome("invalid")
    now = timezone.now()
    if saved.expires_at <= now or saved.link_expires_at is None or saved.link_expires_at <= now:
        return LinkOutcome("expired")
    return LinkOutcome("valid", saved)


def use_link(saved: SavedDraft) -> bool:
    """Use the link up (once: False when a parallel request used it first)."""
    return bool(
        SavedDraft.objects.filter(pk=saved.pk, link_hash=saved.link_hash).exclude(link_hash="").update(link_hash="")
    )


def send_link(saved: SavedDraft, request: HttpRequest | None) -> str:
    """E-mail a new link to the draft's confirmed address (the previous link stops working)."""
    email, _phone = contacts(saved)
    if not email:
        return SEND_FAILED
    if not ratelimit.hit("wizard_resume_draft", str(saved.pk)) or not ratelimit.hit("send_email", email):
        return RATE_LIMITED
    token = secrets.token_urlsafe(TOKEN_BYTES)
    path = reverse("registration:wizard_resume_link", kwargs={"token": token})
    now = timezone.now()
    expires = min(now + timedelta(days=link_days()), saved.expires_at)
    context = {
        "link": request.build_absolute_uri(path) if request is not None else path,
        "link_days": link_days(),
        "kept_until": saved.expires_at,
    }
    try:
        mail.send_templated("wizard_resume", email, context, language=saved.language or None)
    except OSError:
        logger.warning("A link to continue a registration could not be e-mailed; the person was told.")
        return SEND_FAILED
    SavedDraft.objects.filter(pk=saved.pk).update(
        link_hash=link_digests(token)[0], link_sent_at=now, link_expires_at=expires
    )
    audit.record("wizard.resume_link_sent", request=request, data={"draft": saved.pk})
    return SENT


# --- the code for another browser ----------------------------------------------------------------


def subject(saved: SavedDraft) -> str:
    return f"saved-draft:{saved.pk}"


def code_address(saved: SavedDraft) -> str:
    """Where the code goes: the confirmed phone, else the confirmed e-mail."""
    email, phone = contacts(saved)
    return phone or email


def resend_in(saved: SavedDraft) -> int:
    row = service.live(CodePurpose.RESUME, subject(saved)).order_by("-created_at").first()
    return service.cooldown_left(row) if row is not None else 0


def send_code(saved: SavedDraft, request: HttpRequest | None) -> str:
    """Text (or e-mail) a code that lets another browser continue the draft."""
    address = code_address(saved)
    if not address:
        return SEND_FAILED
    if resend_in(saved):
        return COOLDOWN
    by_email = "@" in address
    ip = client_ip(request) or "unknown"
    checks = (
        (("send_email", address), ("send_email_ip", ip))
        if by_email
        else (("send_sms_phone", address), ("send_sms_ip", ip))
    )
    if not all(ratelimit.is_allowed(action, key) for action, key in checks):
        return RATE_LIMITED
    for action, key in checks:
        ratelimit.hit(action, key)
    minutes = max(1, contact.code_ttl(CodePurpose.RESUME) // 60)

    def deliver(code: str, code_hash: str) -> None:
        with translation.override(saved.language or translation.get_language() or settings.LANGUAGE_CODE):
            if by_email:
                mail.send_templated("wizard_resume_code", address, {"code": code, "minutes": minutes})
            else:
                text = " ".join(render_to_string("sms/resume_code.txt", {"code": code, "minutes": minutes}).split())
                send_sms(address, text)

    try:
        service.issue(CodePurpose.RESUME, subject(saved), address=address, send=deliver)
    except (SmsSendError, OSError):
        logger.warning("A code to continue a registration could not be sent; the person was asked to try again.")
        return SEND_FAILED
    audit.record("wizard.resume_code_sent", request=request, data={"draft": saved.pk})
    return SENT


def check_code(saved: SavedDraft, typed: str, request: HttpRequest | None) -> service.Verdict:
    """Check a typed code (each try uses one of the code's attempts)."""
    verdict = service.verify(CodePurpose.RESUME, subject(saved), typed)
    if not verdict.ok:
        audit.record("wizard.resume_code_refused", request=request, data={"draft": saved.pk, "why": verdict.status})
    return verdict
