"""The cabinet's "Services" pages: the list, an application's steps (Post/Redirect/Get on every POST, the
input kept in the encrypted draft), the check page, the application's page, the fee and its scans."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from registration import access
from registration.accounts import audit
from registration.accounts.models import Account
from registration.core.uploads import FILE_NAME_TOO_LONG
from registration.payments import flows as payments
from registration.payments.models import PaymentStatus
from registration.services import flows, registry
from registration.services.base import Service, fee_roubles
from registration.services.flows import ServiceError
from registration.services.forms import ConsentForm
from registration.services.models import Attachment, ServiceApplication, Status
from validators.django import MESSAGES as LIBRARY_MESSAGES

FILE_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
SKIPPED_KEYS = {"csrfmiddlewaretoken", "action"}


def _scan_errors_key(application: ServiceApplication) -> str:
    return f"services-scan-errors-{application.pk}"


def _consent_key(application: ServiceApplication) -> str:
    return f"services-consent-error-{application.pk}"


def _own(request: HttpRequest, number: str) -> tuple[ServiceApplication, Service]:
    """The person's own application (404 for anybody else's: its existence is not revealed)."""
    application = get_object_or_404(ServiceApplication, number=number)
    if not access.is_owner(request.user, application.account_id):
        raise Http404
    service = registry.get(application.service)
    if service is None:
        raise Http404
    return application, service


def _not_confirmed(request: HttpRequest) -> HttpResponse:
    return render(request, "services/not_confirmed.html", {"account": request.user}, status=403)


@require_GET
@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The services offered, what each needs, and the person's applications."""
    services = registry.all_services()
    owner: Account = request.user  # type: ignore[assignment]  # login_required
    applications = list(ServiceApplication.objects.filter(account=owner).order_by("-created_at"))
    open_by_service = {a.service: a for a in applications if a.is_open}
    offered = [
        {
            "service": service,
            "fee": fee_roubles(service.fee.amount()) if service.fee else "",
            "open": open_by_service.get(service.code),
        }
        for service in services
    ]
    return render(
        request,
        "services/index.html",
        {
            "offered": offered,
            "applications": [(a, registry.title(a.service)) for a in applications],
            "may_apply": access.may_apply_for_services(request.user),
            "account": request.user,
        },
    )


@require_POST
@login_required
def start(request: HttpRequest, code: str) -> HttpResponse:
    service = registry.get(code)
    if service is None:
        raise Http404
    if not access.may_apply_for_services(request.user):
        return _not_confirmed(request)
    application = flows.start(request.user, service, request=request)  # type: ignore[arg-type]
    return redirect(_first_open_step(service, application))


def _step_url(application: ServiceApplication, step: str) -> str:
    return reverse("services:step", args=[application.number, step])


def _first_open_step(service: Service, application: ServiceApplication) -> str:
    for spec in service.steps:
        if spec.name not in application.steps_done:
            return _step_url(application, spec.name)
    return reverse("services:check", args=[application.number])


def _next_url(service: Service, application: ServiceApplication, step: str) -> str:
    names = [spec.name for spec in service.steps]
    index = names.index(step)
    if index + 1 < len(names):
        return _step_url(application, names[index + 1])
    return reverse("services:check", args=[application.number])


def _restore_errors(form: Any, errors: dict[str, list[list[Any]]]) -> Any:
    """Give an (empty) scans form the field errors of the POST that was redirected, in today's language."""
    form.cleaned_data = {}
    form._errors = ErrorDict()
    for name, items in errors.items():
        field = form.fields.get(name)
        for code, params in items:
            message: Any = LIBRARY_MESSAGES.get(code)
            if message is None and code == "file_name_too_long":
                message = FILE_NAME_TOO_LONG
            if message is None and field is not None:
                message = field.error_messages.get(code)
            if message is None:
                message = LIBRARY_MESSAGES["scan_invalid"]
            form.add_error(
                name if field is not None else None, ValidationError(message, code=code, params=params or None)
            )
    return form


@require_http_methods(["GET", "POST"])
@login_required
def step(request: HttpRequest, number: str, step: str) -> HttpResponse:
    application, service = _own(request, number)
    spec = service.step(step)
    if spec is None:
        raise Http404
    if not access.may_apply_for_services(request.user):
        return _not_confirmed(request)
    if not application.is_editable:
        return redirect("services:detail", number=application.number)
    names = [s.name for s in service.steps]
    position = names.index(step)
    if request.method == "POST":
        if step == service.scans_step:
            return _post_scans(request, service, application)
        form = flows.step_form(service, step, application, data=request.POST)
        raw = {key: request.POST.getlist(key) for key in request.POST if _belongs_to(form, key)}
        valid = form.is_valid()
        flows.save_step(application, step, raw, valid=valid)
        if request.POST.get("action") == "save":
            messages.success(request, _("Your answers are saved. You can come back to them at any time."))
            return redirect("services:index")
        if not valid:
            return redirect(_step_url(application, step))
        return redirect(_next_url(service, application, step))
    if step == service.scans_step:
        form = flows.step_form(service, step, application)
        errors = request.session.pop(_scan_errors_key(application), None)
        if errors:
            form = flows.step_form(service, step, application, data={}, files={})
            _restore_errors(form, errors)
    else:
        form = flows.step_form(service, step, application)
        if form.is_bound:
            form.is_valid()  # the saved answers' errors, shown where they are
    return render(
        request,
        "services/step.html",
        {
            "application": application,
            "service": service,
            "spec": spec,
            "form": form,
            "formset": getattr(form, "formset", None),
            "stored_files": flows.kept_scans(application) if step == service.scans_step else {},
            "position": position + 1,
            "count": len(names),
            "back_url": _step_url(application, names[position - 1]) if position else reverse("services:index"),
            "changes_requested": application.status == Status.CHANGES_REQUESTED,
        },
    )


def _belongs_to(form: Any, key: str) -> bool:
    """Whether a posted name is one of the form's (or of its formset's): nothing else is kept in the draft."""
    if key in SKIPPED_KEYS:
        return False
    if key in form.fields:
        return True
    formset = getattr(form, "formset", None)
    return formset is not None and key.startswith(f"{formset.prefix}-")


def _post_scans(request: HttpRequest, service: Service, application: ServiceApplication) -> HttpResponse:
    """Each scan that passes is kept at once (so a failing one never costs the others); errors come back
    after the redirect."""
    form = flows.step_form(service, service.scans_step, application, data=request.POST, files=request.FILES)
    form.is_valid()
    for spec in service.scans:
        upload = form.cleaned_data.get(spec.code) if hasattr(form, "cleaned_data") else None
        if upload and spec.code not in form.errors:
            flows.save_scan(application, spec.code, upload)
    errors = {
        name: [[error.code or "invalid", _plain(error.params)] for error in items]
        for name, items in form.errors.as_data().items()
    }
    kept = flows.kept_scans(application)
    complete = all(spec.code in kept for spec in service.scans)
    flows.save_step(application, service.scans_step, {}, valid=complete and not errors)
    if errors:
        request.session[_scan_errors_key(application)] = errors
        return redirect(_step_url(application, service.scans_step))
    if request.POST.get("action") == "save":
        messages.success(request, _("Your answers are saved. You can come back to them at any time."))
        return redirect("services:index")
    return redirect(_next_url(service, application, service.scans_step))


def _plain(params: Any) -> dict[str, Any]:
    """Error parameters that survive the session's JSON."""
    return {key: value if isinstance(value, int | float | str) else str(value) for key, value in (params or {}).items()}


@require_http_methods(["GET", "POST"])
@login_required
def check(request: HttpRequest, number: str) -> HttpResponse:
    """Check your answers, agree, and submit (then pay the fee, where there is one)."""
    application, service = _own(request, number)
    if not access.may_apply_for_services(request.user):
        return _not_confirmed(request)
    if not application.is_editable:
        return redirect("services:detail", number=application.number)
    if request.method == "POST":
        if not ConsentForm(request.POST).is_valid():
            request.session[_consent_key(application)] = True
            return redirect("services:check", number=application.number)
        try:
            flows.submit(application, by=request.user, request=request)  # type: ignore[arg-type]
        except ServiceError as error:
            messages.error(request, error.message)
            if error.code == "incomplete":
                return redirect(_step_url(application, error.params["step"]))
            return redirect("services:detail", number=application.number)
        if application.status == Status.AWAITING_PAYMENT:
            return _to_payment(request, application)
        messages.success(request, _("Your application is submitted. We will tell you when it is decided."))
        flows.notify(application, "submitted")
        return redirect("services:detail", number=application.number)
    consent_error = request.session.pop(_consent_key(application), False)
    consent_form = ConsentForm({}) if consent_error else ConsentForm()
    if consent_error:
        consent_form.is_valid()  # the box left empty on the POST that was redirected
    response = render(
        request,
        "services/check.html",
        {
            "application": application,
            "service": service,
            "sections": flows.summary(service, application),
            "scans": [(spec, flows.kept_scans(application).get(spec.code, "")) for spec in service.scans],
            "fee": fee_roubles(service.fee.amount()) if service.fee else "",
            "consent_error": consent_error,
            "form": consent_form,
            "back_url": _step_url(application, service.steps[-1].name),
            "all_done": all(spec.name in application.steps_done for spec in service.steps),
        },
    )
    # Submitting leads to the provider's payment page where there is a fee.
    return payments.allow_payment_pages(response) if service.fee else response


def _to_payment(request: HttpRequest, application: ServiceApplication) -> HttpResponse:
    try:
        payment = flows.start_payment(
            application, return_path=reverse("services:payment_return", args=[application.number])
        )
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("services:detail", number=application.number)
    except Exception as error:  # the provider refused or is down: nothing was charged, the person may retry
        message = getattr(error, "message", None) or _(
            "The payment service did not answer. Try again in a few minutes."
        )
        messages.error(request, str(message))
        return redirect("services:detail", number=application.number)
    return redirect(payment.redirect_url)


@require_POST
@login_required
def pay(request: HttpRequest, number: str) -> HttpResponse:
    """Pay the fee (again, after a payment that did not go through: a new payment)."""
    application, _service = _own(request, number)
    if application.status != Status.AWAITING_PAYMENT:
        messages.error(request, flows.ServiceError("wrong_state").message)
        return redirect("services:detail", number=application.number)
    return _to_payment(request, application)


@require_GET
@login_required
def payment_return(request: HttpRequest, number: str) -> HttpResponse:
    """Where the provider sends the person back: it says nothing about the payment (only the provider's
    verified notice or a status query does), so this only shows the application's page."""
    application, _service = _own(request, number)
    if application.status == Status.AWAITING_PAYMENT:
        # A payment that did not go through leaves the fee unpaid too: the page says so itself.
        latest = payments.latest(flows.PAYMENT_PURPOSE, application.number)
        if latest is not None and latest.status == PaymentStatus.PENDING:
            messages.info(request, _("We are waiting for the payment service to confirm your payment."))
    return redirect("services:detail", number=application.number)


#: The result document's download page, by the URL names it may have (the documents app names it).
DOCUMENT_URL_NAMES = ("registration:issued_document_pdf", "documents:pdf")


def document_url(application: ServiceApplication) -> str:
    """The link to the issued document's PDF ("" while the site has no such page)."""
    if application.document_id is None:
        return ""
    for name in DOCUMENT_URL_NAMES:
        try:
            return reverse(name, args=[application.document_id])
        except NoReverseMatch:
            continue
    return ""


@require_GET
@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    application, service = _own(request, number)
    payment = payments.latest(flows.PAYMENT_PURPOSE, application.number) if service.fee else None
    attachments = {a.code: a for a in application.attachments.all()}
    response = render(
        request,
        "services/detail.html",
        {
            "application": application,
            "service": service,
            "history": application.history.all(),
            "document_url": document_url(application),
            "payment": payment,
            "payment_failed": payment is not None and payment.status == PaymentStatus.FAILED,
            "payment_pending": payment is not None and payment.status == PaymentStatus.PENDING,
            "fee": fee_roubles(service.fee.amount()) if service.fee else "",
            "can_extend": service.extendable
            and application.status in (Status.APPROVED, Status.EXPIRED)
            and access.may_apply_for_services(request.user),
            "can_edit": access.can_edit_service_application(request.user, application),
            "continue_url": _first_open_step(service, application),
            "scans": [(spec, attachments.get(spec.code)) for spec in service.scans],
        },
    )
    # "Pay the fee" leads to the provider's payment page.
    return payments.allow_payment_pages(response) if application.status == Status.AWAITING_PAYMENT else response


@require_POST
@login_required
def extend(request: HttpRequest, number: str) -> HttpResponse:
    """A new application made from this one (the next period, the same address and host)."""
    application, _service = _own(request, number)
    if not access.may_apply_for_services(request.user):
        return _not_confirmed(request)
    try:
        new = flows.extend(application, request=request)
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("services:detail", number=application.number)
    return redirect("services:check", number=new.number)


@require_GET
@login_required
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A scan of an application: the owner and the service's officers (``registration.access``); audited."""
    record = get_object_or_404(Attachment.objects.select_related("application"), pk=pk)
    if not access.can_view_service_attachment(request.user, record):
        raise Http404
    try:
        handle = record.scan.storage.open(record.scan.name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    audit.record(
        "services.scan_viewed",
        account=record.application.account,
        request=request,
        data={"attachment": record.pk, "number": record.application.number},
    )
    content_type = FILE_TYPES.get(record.scan_type, "application/octet-stream")
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}.get(content_type, "bin")
    response = FileResponse(
        handle,
        content_type=content_type,
        as_attachment=bool(request.GET.get("download")) or content_type == "application/octet-stream",
        filename=f"scan-{record.pk}.{extension}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
