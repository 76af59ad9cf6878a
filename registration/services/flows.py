"""Applications for services: drafts, scans, submission, the fee, the desk's decisions, reminders, extensions.

Every status change goes through :func:`_transition`: it locks the row, checks that the change is one
the status machine allows (``TRANSITIONS``) and, for the desk, that the page the officer decided on is
the current one (``version``), writes the status, the history and the audit event, all in one
transaction; the person is told after it commits.
"""

from __future__ import annotations

import datetime
import inspect
import logging
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.accounts.models import Account, AccountStatus
from registration.codes import sms
from registration.core import mail, metrics
from registration.core.errors import FlowError
from registration.documents import issuing
from registration.payments import flows as payments
from registration.payments.models import Payment, PaymentStatus
from registration.services import registry
from registration.services.base import Service, display
from registration.services.models import (
    EDITABLE_STATUSES,
    OPEN_STATUSES,
    Attachment,
    ServiceApplication,
    Status,
    StatusChange,
)

logger = logging.getLogger(__name__)

#: The purpose of the services' payments (``registration.payments``); the reference is the application number.
PAYMENT_PURPOSE = "services"

audit.register_actions(
    {
        "services.created": _("Application for a service started"),
        "services.submitted": _("Application for a service submitted"),
        "services.awaiting_payment": _("Application for a service waits for the fee"),
        "services.in_review": _("Application for a service taken into review"),
        "services.changes_needed": _("Changes requested in an application for a service"),
        "services.approved": _("Application for a service approved"),
        "services.rejected": _("Application for a service rejected"),
        "services.expired": _("Result of a service expired"),
        "services.withdrawn": _("Application for a service withdrawn (account closed)"),
        "services.reminded": _("Reminder of the end of a service's result sent"),
        "services.scan_viewed": _("Scan of an application for a service opened"),
    }
)

ERRORS = {
    "not_confirmed": _(
        "Only accounts whose identity is confirmed can apply for services. Confirm your identity first."
    ),
    "unknown_service": _("There is no such service."),
    "already_open": _("You already have an application for this service under way: continue it."),
    "not_editable": _("This application can no longer be changed."),
    "incomplete": _("Some answers are missing or wrong: check the step shown."),
    "wrong_state": _("This is not possible in the application's current status. Reload the page."),
    "stale": _("Someone changed the application since you opened it. Reload the page and decide again."),
    "reason_required": _("Give a reason the person will read."),
    "not_extendable": _("Only an approved registration can be extended."),
    "no_fee": _("This service has no fee."),
    "payment_pending": _("Your payment is being processed. Wait a minute and reload the page."),
}


class ServiceError(FlowError):
    messages = ERRORS


# The status machine: each status and where it may go.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.DRAFT: frozenset({Status.SUBMITTED, Status.AWAITING_PAYMENT, Status.WITHDRAWN}),
    Status.AWAITING_PAYMENT: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.SUBMITTED: frozenset({Status.IN_REVIEW, Status.WITHDRAWN}),
    Status.IN_REVIEW: frozenset({Status.CHANGES_REQUESTED, Status.APPROVED, Status.REJECTED, Status.WITHDRAWN}),
    Status.CHANGES_REQUESTED: frozenset({Status.SUBMITTED, Status.WITHDRAWN}),
    Status.APPROVED: frozenset({Status.EXPIRED}),
    Status.REJECTED: frozenset(),
    Status.EXPIRED: frozenset(),
    Status.WITHDRAWN: frozenset(),
}

#: The desk's actions and the status each leads to.
DESK_ACTIONS: dict[str, str] = {
    "take": Status.IN_REVIEW,
    "request_changes": Status.CHANGES_REQUESTED,
    "approve": Status.APPROVED,
    "reject": Status.REJECTED,
}


def allowed(current: str, target: str, service: Service | None = None) -> bool:
    """Whether the status machine (and the service's own statuses) allow going from ``current`` to ``target``."""
    if service is not None and not service.has(target) and target not in (Status.AWAITING_PAYMENT, Status.WITHDRAWN):
        return False
    if target == Status.AWAITING_PAYMENT and (service is None or service.fee is None):
        return False
    return target in TRANSITIONS.get(current, frozenset())


def service_of(application: ServiceApplication) -> Service:
    service = registry.get(application.service)
    if service is None:
        raise ServiceError("unknown_service")
    return service


# --- the person's answers -----------------------------------------------------------------------------


def may_apply(account: Any) -> bool:
    """Only an account whose identity is confirmed (status "active") applies for services."""
    return bool(getattr(account, "is_authenticated", False) and account.status == AccountStatus.ACTIVE)


def step_form(
    service: Service,
    step: str,
    application: ServiceApplication,
    data: Mapping[str, Any] | None = None,
    files: Mapping[str, Any] | None = None,
) -> Any:
    """The form of ``step``, bound to ``data`` (else to the saved answers, if the step was ever sent)."""
    spec = service.step(step)
    if spec is None:
        raise ServiceError("unknown_service")
    kwargs = service.form_kwargs(step, application)
    if step == service.scans_step:
        kwargs.update(scans=service.scans, kept=kept_scans(application))
    if data is None:
        saved = application.get_answers().get(step)
        if saved is None:
            return spec.form(**kwargs)
        data = as_querydict(saved)
    return spec.form(data, files, **kwargs)  # type: ignore[arg-type]


def as_querydict(saved: Mapping[str, list[str]]) -> Any:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, values in saved.items():
        query.setlist(key, list(values))
    return query


def kept_scans(application: ServiceApplication) -> dict[str, str]:
    """The documents already attached, by code, with the file's name as the person sent it."""
    return dict(Attachment.objects.filter(application_id=application.pk).values_list("code", "scan_name"))


def save_step(application: ServiceApplication, step: str, raw: Mapping[str, list[str]], *, valid: bool) -> None:
    """Keep what was typed on ``step`` (valid or not: nothing typed is lost), and whether it passed."""
    if not application.is_editable:
        raise ServiceError("not_editable")
    with transaction.atomic():
        locked = ServiceApplication.objects.select_for_update().get(pk=application.pk)
        if not locked.is_editable:
            raise ServiceError("not_editable")
        answers = locked.get_answers()
        answers[step] = {key: list(values) for key, values in raw.items()}
        done = [name for name in locked.steps_done if name != step] + ([step] if valid else [])
        locked.set_answers(answers)
        locked.steps_done = done
        locked.save(update_fields=["answers", "steps_done", "updated_at"])
    application.answers, application.steps_done = locked.answers, locked.steps_done


def save_scan(application: ServiceApplication, code: str, upload: Any) -> Attachment:
    """Store a checked scan (the sanitised file, encrypted) as the application's ``code`` document, replacing any."""
    if not application.is_editable:
        raise ServiceError("not_editable")
    info = getattr(upload, "scan_info", None)
    name = getattr(getattr(upload, "uploaded", upload), "name", "") or ""
    data = upload.read()
    with transaction.atomic():
        old = list(Attachment.objects.select_for_update().filter(application=application, code=code))
        for attachment in old:
            stored = attachment.scan.name
            attachment.delete()
            transaction.on_commit(partial(attachment.scan.storage.delete, stored))
        attachment = Attachment(
            application=application,
            code=code,
            scan_name=name[:255],
            scan_type=getattr(info, "kind", "") or "",
            scan_size=len(data),
            scan_sha256=getattr(info, "sha256", "") or "",
        )
        attachment.scan.save(name or "scan", ContentFile(data), save=False)
        try:
            attachment.save()
        except BaseException:
            attachment.scan.storage.delete(attachment.scan.name)
            raise
    return attachment


def cleaned_answers(service: Service, application: ServiceApplication) -> dict[str, dict[str, Any]]:
    """Every step re-validated from the saved answers; ``ServiceError("incomplete", step=…)`` names the first
    step that does not pass."""
    cleaned: dict[str, dict[str, Any]] = {}
    for spec in service.steps:
        if spec.name == service.scans_step:
            missing = [scan.code for scan in service.scans if scan.code not in kept_scans(application)]
            if missing:
                raise ServiceError("incomplete", step=spec.name)
            cleaned[spec.name] = {}
            continue
        form = step_form(service, spec.name, application)
        if not form.is_bound or not form.is_valid():
            raise ServiceError("incomplete", step=spec.name)
        cleaned[spec.name] = dict(form.cleaned_data)
        members = getattr(form, "formset", None)
        if members is not None:
            cleaned[spec.name]["members_list"] = [
                member.cleaned_data
                for member in members.forms
                if member.cleaned_data and not member.cleaned_data.get("DELETE")
            ]
    return cleaned


def summary(service: Service, application: ServiceApplication) -> list[dict[str, Any]]:
    """The answers of each step as (label, value) rows, for the check page and the desk."""
    sections = []
    for spec in service.steps:
        if spec.name == service.scans_step:
            continue
        form = step_form(service, spec.name, application)
        rows: list[tuple[str, str]] = []
        if form.is_bound and form.is_valid():
            for name, field in form.fields.items():
                value = form.cleaned_data.get(name)
                if value in (None, "") and not field.required:
                    continue
                rows.append((str(field.label), display(field, value)))
            for index, member in enumerate(getattr(form, "formset", None) or [], start=1):
                if not member.cleaned_data or member.cleaned_data.get("DELETE"):
                    continue
                values = ", ".join(
                    display(member.fields[name], member.cleaned_data.get(name))
                    for name in ("relation", "surname", "given_names", "birth_date", "citizenship")
                )
                rows.append((str(_("Family member %(n)s") % {"n": index}), values))
        sections.append({"step": spec, "rows": rows, "done": spec.name in application.steps_done})
    return sections


# --- starting, extending ------------------------------------------------------------------------------


def open_application(account: Account, service: Service) -> ServiceApplication | None:
    return ServiceApplication.objects.filter(account=account, service=service.code, status__in=OPEN_STATUSES).first()


def start(
    account: Account,
    service: Service,
    *,
    answers: dict[str, Any] | None = None,
    previous: ServiceApplication | None = None,
    request: HttpRequest | None = None,
) -> ServiceApplication:
    """A new draft; the open one if the person already has one for this service (the database's constraint)."""
    if not may_apply(account):
        raise ServiceError("not_confirmed")
    existing = open_application(account, service)
    if existing is not None:
        return existing
    application = ServiceApplication(account=account, service=service.code, previous=previous)
    application.set_answers(answers or {})
    try:
        with transaction.atomic():
            application.save()
            StatusChange.objects.create(application=application, to_status=Status.DRAFT, actor=account)
    except IntegrityError:
        existing = open_application(account, service)
        if existing is None:  # pragma: no cover - another constraint
            raise
        return existing
    audit.record(
        "services.created",
        account=account,
        request=request,
        to_status=Status.DRAFT,
        data={"service": service.code, "number": application.number},
    )
    transaction.on_commit(lambda: metrics.service_event(service.code, "started"))
    return application


def extend(previous: ServiceApplication, *, request: HttpRequest | None = None) -> ServiceApplication:
    """A new application made from an approved (or expired) one: its answers, the period after it, linked to it."""
    service = service_of(previous)
    if not service.extendable or previous.status not in (Status.APPROVED, Status.EXPIRED):
        raise ServiceError("not_extendable")
    existing = open_application(previous.account, service)
    if existing is not None:
        return existing
    application = start(
        previous.account, service, answers=service.extension_answers(previous), previous=previous, request=request
    )
    if application.previous_id == previous.pk and not application.attachments.exists():
        _copy_scans(previous, application)
    return application


def _copy_scans(source: ServiceApplication, target: ServiceApplication) -> None:
    """The previous application's scans, as new encrypted files of the new one (the person may replace them)."""
    for old in source.attachments.all():
        try:
            with old.scan.storage.open(old.scan.name, "rb") as handle:
                data = handle.read()
        except OSError:
            continue  # a file gone from the storage is simply asked for again
        copy = Attachment(
            application=target,
            code=old.code,
            scan_name=old.scan_name,
            scan_type=old.scan_type,
            scan_size=old.scan_size,
            scan_sha256=old.scan_sha256,
        )
        copy.scan.save(old.scan_name or "scan", ContentFile(data), save=False)
        copy.save()


# --- status changes -------------------------------------------------------------------------------------


#: What a status change writes, copied back onto the caller's instance.
SYNCED_FIELDS = (
    "status",
    "version",
    "submitted_at",
    "decided_at",
    "decision_reason",
    "officer_id",
    "document_id",
    "valid_until",
)


#: The status changes counted in ``registration_service_applications`` (by the event's name).
METRIC_EVENTS: dict[str, str] = {
    Status.SUBMITTED: "submitted",
    Status.APPROVED: "approved",
    Status.REJECTED: "rejected",
    Status.CHANGES_REQUESTED: "changes_requested",
}


def _transition(
    application: ServiceApplication,
    target: str,
    *,
    by: Account | None,
    message: str = "",
    version: int | None = None,
    request: HttpRequest | None = None,
    update: Callable[[ServiceApplication], None] | None = None,
) -> ServiceApplication:
    service = service_of(application)
    with transaction.atomic():
        locked = ServiceApplication.objects.select_for_update().get(pk=application.pk)
        if version is not None and locked.version != version:
            raise ServiceError("stale")
        if not allowed(locked.status, target, service):
            raise ServiceError("wrong_state")
        current = locked.status
        locked.status = target
        locked.version += 1
        if update is not None:
            update(locked)
        locked.save()
        StatusChange.objects.create(
            application=locked, from_status=current, to_status=target, actor=by, message=message
        )
        audit.record(
            f"services.{target}",
            account=locked.account,
            actor=by,
            request=request,
            from_status=current,
            to_status=target,
            data={"service": service.code, "number": locked.number},
        )
        event = METRIC_EVENTS.get(target)
        if event:
            transaction.on_commit(lambda: metrics.service_event(service.code, event))
    for field in (
        "status",
        "version",
        "submitted_at",
        "decided_at",
        "decision_reason",
        "officer_id",
        "document_id",
        "valid_until",
    ):
        setattr(application, field, getattr(locked, field))
    return locked


def submit(application: ServiceApplication, *, by: Account, request: HttpRequest | None = None) -> ServiceApplication:
    """Send the application: every step is checked again; a service with a fee waits for it first (a
    corrected application whose fee was paid goes straight to the desk)."""
    service = service_of(application)
    if not application.is_editable:
        raise ServiceError("not_editable")
    cleaned = cleaned_answers(service, application)
    needs_fee = service.fee is not None and not _fee_paid(application)
    target = Status.AWAITING_PAYMENT if needs_fee else Status.SUBMITTED

    def stamp(locked: ServiceApplication) -> None:
        locked.valid_until = service.valid_until(cleaned)
        if target == Status.SUBMITTED:
            locked.submitted_at = timezone.now()
            locked.decision_reason = ""

    return _transition(application, target, by=by, request=request, update=stamp)


def _fee_paid(application: ServiceApplication) -> bool:
    return Payment.objects.filter(
        purpose=PAYMENT_PURPOSE, reference=application.number, status=PaymentStatus.PAID
    ).exists()


def start_payment(application: ServiceApplication, *, return_path: str = "") -> Payment:
    """A new payment of the fee (a failed one is retried as a new payment); the person goes to its page."""
    service = service_of(application)
    if service.fee is None:
        raise ServiceError("no_fee")
    if application.status != Status.AWAITING_PAYMENT:
        raise ServiceError("wrong_state")
    latest = payments.latest(PAYMENT_PURPOSE, application.number)
    if latest is not None and latest.status == PaymentStatus.PAID:
        raise ServiceError("payment_pending")
    if latest is not None and latest.status == PaymentStatus.PENDING and latest.redirect_url:
        return latest
    arguments: dict[str, Any] = {
        "purpose": PAYMENT_PURPOSE,
        "reference": application.number,
        "amount_kopecks": service.fee.amount(),
        "description": f"{service.fee.description} {application.number}"[:200],
    }
    if "return_path" in inspect.signature(payments.start).parameters:
        arguments["return_path"] = return_path
    # (Without return paths, the provider sends the person back to its configured page.)
    return payments.start(application.account, **arguments)


def fee_paid(payment: Payment) -> None:
    """The payments' status handler: a paid fee submits the application (once, however often it is told)."""
    if payment.status != PaymentStatus.PAID:
        return
    application = ServiceApplication.objects.filter(number=payment.reference).first()
    if application is None or application.account_id != payment.account_id:
        logger.warning("A paid fee names no application of its payer.")
        return
    if application.status != Status.AWAITING_PAYMENT:
        return

    def stamp(locked: ServiceApplication) -> None:
        locked.submitted_at = timezone.now()

    try:
        _transition(application, Status.SUBMITTED, by=None, message="", update=stamp)
    except ServiceError:
        return  # another delivery of the same news got there first
    notify(application, "submitted")


def take(
    application: ServiceApplication, *, by: Account, version: int, request: HttpRequest | None = None
) -> ServiceApplication:
    def stamp(locked: ServiceApplication) -> None:
        locked.officer = by

    return _transition(application, Status.IN_REVIEW, by=by, version=version, request=request, update=stamp)


def request_changes(
    application: ServiceApplication, *, by: Account, message: str, version: int, request: HttpRequest | None = None
) -> ServiceApplication:
    if not message.strip():
        raise ServiceError("reason_required")

    def stamp(locked: ServiceApplication) -> None:
        locked.decision_reason = message.strip()
        locked.officer = by

    result = _transition(
        application,
        Status.CHANGES_REQUESTED,
        by=by,
        message=message.strip(),
        version=version,
        request=request,
        update=stamp,
    )
    notify(result, "changes_requested")
    return result


def reject(
    application: ServiceApplication, *, by: Account, reason: str, version: int, request: HttpRequest | None = None
) -> ServiceApplication:
    if not reason.strip():
        raise ServiceError("reason_required")

    def stamp(locked: ServiceApplication) -> None:
        locked.decision_reason = reason.strip()
        locked.decided_at = timezone.now()
        locked.officer = by

    result = _transition(
        application, Status.REJECTED, by=by, message=reason.strip(), version=version, request=request, update=stamp
    )
    notify(result, "rejected")
    return result


def approve(
    application: ServiceApplication, *, by: Account, version: int, request: HttpRequest | None = None
) -> ServiceApplication:
    """Approve and issue the result document, in one transaction (a failed issue approves nothing)."""
    service = service_of(application)
    with transaction.atomic():
        cleaned = cleaned_answers(service, application)
        result = service.result(application, cleaned)

        def stamp(locked: ServiceApplication) -> None:
            locked.document = issuing.issue(
                locked.account,
                result.kind,
                valid_from=result.valid_from,
                valid_until=result.valid_until,
                content=result.content,
                language=locked.account.language,
            )
            locked.decided_at = timezone.now()
            locked.decision_reason = ""
            locked.officer = by
            locked.valid_until = result.valid_until

        approved = _transition(application, Status.APPROVED, by=by, version=version, request=request, update=stamp)
    notify(approved, "approved")
    return approved


# --- telling the person -----------------------------------------------------------------------------------


def notify(application: ServiceApplication, event: str) -> None:
    """E-mail (and a text message, if there is a phone) in the person's language, after the change commits."""
    account = application.account
    service = service_of(application)

    def send() -> None:
        context = {
            "application": application,
            "service_title": service.title,
            "event": event,
            "reason": application.decision_reason,
            "valid_until": application.valid_until,
        }
        try:
            mail.send_to_account(account, f"service_{event}", context)
        except Exception:  # a mail outage does not undo a decision
            logger.exception("A service notice e-mail could not be sent.")
        if account.phone:
            try:
                text = sms.render(f"sms/service_{event}.txt", context, language=mail.language_of(account))
                sms.send_sms(account.phone, text)
            except Exception:
                logger.warning("A service notice text message could not be sent.")

    transaction.on_commit(send)


# --- reminders and expiry ----------------------------------------------------------------------------------


def withdraw_open(account: Account) -> int:
    """Withdraw the account's applications still under way (the account is closed): off the desk, nothing more
    is decided or paid for. Returns how many."""
    withdrawn = 0
    for application in ServiceApplication.objects.filter(account=account, status__in=OPEN_STATUSES).order_by("pk"):
        try:
            _transition(application, Status.WITHDRAWN, by=account)
        except ServiceError:  # decided meanwhile
            continue
        withdrawn += 1
    return withdrawn


def due_reminders(today: datetime.date | None = None) -> QuerySet[ServiceApplication]:
    today = today or timezone.localdate()
    codes = [s.code for s in registry.all_services() if s.remind_days_before is not None]
    days = {s.code: s.remind_days_before for s in registry.all_services() if s.remind_days_before is not None}
    query = ServiceApplication.objects.none()
    for code in codes:
        query |= ServiceApplication.objects.filter(
            service=code,
            status=Status.APPROVED,
            reminded_at__isnull=True,
            valid_until__gte=today,
            valid_until__lte=today + datetime.timedelta(days=days[code] or 0),
        )
    return query


def send_reminders(today: datetime.date | None = None) -> int:
    """Remind each person whose result ends within the service's days, once (the flag is set under a row lock)."""
    sent = 0
    for application in due_reminders(today).select_related("account"):
        with transaction.atomic():
            updated = ServiceApplication.objects.filter(pk=application.pk, reminded_at__isnull=True).update(
                reminded_at=timezone.now()
            )
            if not updated:
                continue
            audit.record(
                "services.reminded",
                account=application.account,
                data={"service": application.service, "number": application.number},
            )
            notify(application, "reminder")
        sent += 1
    return sent


def expire(today: datetime.date | None = None) -> int:
    """Approved results whose last day has passed become "expired" (where the service has that status)."""
    today = today or timezone.localdate()
    count = 0
    codes = [s.code for s in registry.all_services() if s.has(Status.EXPIRED)]
    for application in ServiceApplication.objects.filter(
        service__in=codes, status=Status.APPROVED, valid_until__lt=today
    ):
        try:
            _transition(application, Status.EXPIRED, by=None)
        except ServiceError:
            continue
        count += 1
    return count


def editable_statuses() -> tuple[str, ...]:
    return tuple(EDITABLE_STATUSES)


def language_of(application: ServiceApplication) -> str:
    return mail.language_of(application.account) or translation.get_language() or "ru"
