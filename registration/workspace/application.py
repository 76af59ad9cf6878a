"""An application's page in the queue and the service-centre clerks' actions on it.

Each action is a POST to its own URL; the role, the application and its state are checked again by
``registration.access`` on every request (a hidden button is not a check), then a flow does the work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from registration import access
from registration.accounts import audit
from registration.accounts.models import AuditEvent, DocumentRole
from registration.accounts.signed_in import signed_in
from registration.identity import conf, flows, registry
from registration.identity.base import ClerkDecision, IdentityError
from registration.identity.models import ConfirmationState, PendingApplication, RequestedScan
from registration.identity.scans import cross_check, mime_type
from registration.identity.service_centre import METHOD as SERVICE_CENTRE
from registration.identity.service_centre import confirm_in_person
from registration.onboarding import submit as services
from registration.onboarding import zone
from registration.registries import flows as registry_checks
from registration.workspace.forms import ConfirmInPersonForm, ConfirmScansForm, ReasonForm, RequestDocumentsForm

#: What two applications share, found by keyed hashes (services.duplicates_of).
DUPLICATE_LABELS = {
    "document": _("the same identity document or document of stay"),
    "snils": _("the same SNILS"),
    "inn": _("the same INN"),
}


class ApplicationPageMixin:
    """Mixed into the queue's admin: the application's page and the clerks' actions (see the docstring)."""

    admin_site: admin.AdminSite
    opts: Any

    def _page_url(self, applicant: PendingApplication) -> str:
        return reverse("admin:identity_pendingapplication_change", args=[applicant.pk])

    def _applicant(self, request: HttpRequest, object_id: Any, action: str | None = None) -> PendingApplication:
        """The application, if the user's role may open it (403 otherwise) and, with ``action``, act on it."""
        user = request.user
        if not access.may(user, "view_queue") or (action is not None and not access.may(user, action)):
            raise PermissionDenied
        applicant = get_object_or_404(PendingApplication.objects.select_related("account"), pk=object_id)
        if not access.can_view_application(user, applicant):
            raise Http404
        return applicant

    def _not_now(self, request: HttpRequest, applicant: PendingApplication, action: str) -> HttpResponse | None:
        """A refusal when the application's state does not allow ``action`` now (the button was stale)."""
        if access.can(request.user, action, applicant):
            return None
        return self._failed(request, applicant, IdentityError("wrong_state"))

    def lookup_view(self, request: HttpRequest, number: str) -> HttpResponse:
        """Where the QR code of a receipt leads: the application with that number."""
        if not access.may(request.user, "view_queue"):
            raise PermissionDenied
        applicant = PendingApplication.objects.filter(application_number=number).first()
        if applicant is None:
            raise Http404
        return HttpResponseRedirect(self._page_url(applicant))

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        """The application's page: typed data beside the scans, the MRZ check, history and actions."""
        if not object_id.isdigit():
            raise Http404
        applicant = self._applicant(request, object_id)
        response = TemplateResponse(
            request, "admin/identity/pendingapplication/application.html", self.page_context(request, applicant)
        )
        add_never_cache_headers(response)
        return response

    def page_context(self, request: HttpRequest, applicant: PendingApplication, **forms_: forms.Form) -> dict:
        account = applicant.account
        user = request.user
        documents = list(applicant.documents.order_by("role", "created_at"))
        current = flows.current(account)
        confirmations = list(account.identity_confirmations.select_related("centre", "decided_by")[:20])
        # The method shown at the top: the open confirmation's, else the latest one's (confirmed, rejected…).
        method_confirmation = current or (confirmations[0] if confirmations else None)
        requested = list(
            RequestedScan.objects.filter(request__account=account).select_related("request").order_by("uploaded_at")
        )
        events = list(AuditEvent.objects.filter(account=account).select_related("actor").order_by("-at", "-pk")[:100])
        can = access.application_actions(user, applicant)
        changes = self.change_context(request, applicant, forms_.get("change_bound"))  # type: ignore[attr-defined]  # ChangeReviewMixin's, same admin
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Application %(number)s") % {"number": applicant.application_number},
            "applicant": applicant,
            "account": account,
            "documents": [
                {
                    "document": document,
                    "mime": mime_type(document.scan_type) if document.scan else "",
                    "mrz": cross_check(applicant, document) if document.role == DocumentRole.IDENTITY else None,
                }
                for document in documents
            ],
            "requested": [{"scan": scan, "mime": mime_type(scan.scan_type)} for scan in requested],
            "current": current,
            "method_confirmation": method_confirmation,
            "method_label": registry.label(method_confirmation.method) if method_confirmation else "",
            "confirmations": [(c, registry.label(c.method)) for c in confirmations],
            "events": [(event, audit.label(event.action)) for event in events],
            "can": can,
            "scan_review": current is not None and current.method == "scan_review",
            "confirm_form": forms_.get("confirm") or ConfirmInPersonForm(),
            "confirm_scans_form": forms_.get("confirm_scans") or ConfirmScansForm(),
            "reject_form": forms_.get("reject") or ReasonForm(prefix="reject"),
            "request_form": forms_.get("request_documents") or RequestDocumentsForm(),
            "block_form": forms_.get("block") or ReasonForm(prefix="block"),
            "issues_code": conf.service_centre_issues_code(),
            "duplicates": [(DUPLICATE_LABELS[kind], other) for kind, other in services.duplicates_of(applicant)],
            "states": ConfirmationState,
            "registry_checks": registry_checks.shown(applicant),
            "zone_rows": zone.for_clerks(applicant),
            **changes,
        }

    def _invalid(
        self, request: HttpRequest, applicant: PendingApplication, name: str, form: forms.Form
    ) -> HttpResponse:
        messages.error(request, _("The action was not done: correct the form below."))
        return TemplateResponse(
            request,
            "admin/identity/pendingapplication/application.html",
            self.page_context(request, applicant, **{name: form}),
            status=400,
        )

    def _done(self, request: HttpRequest, applicant: PendingApplication, message: Any) -> HttpResponse:
        messages.success(request, message)
        return redirect(self._page_url(applicant))

    def _failed(self, request: HttpRequest, applicant: PendingApplication, error: IdentityError) -> HttpResponse:
        messages.error(request, error.message)
        return redirect(self._page_url(applicant))

    def confirm_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        applicant = self._applicant(request, object_id, "confirm")
        if refused := self._not_now(request, applicant, "confirm"):
            return refused
        form = ConfirmInPersonForm(request.POST)
        if not form.is_valid():
            return self._invalid(request, applicant, "confirm", form)
        mode = request.POST.get("mode")  # which button: issue a code, or confirm now
        decision = ClerkDecision(
            originals=tuple(form.cleaned_data["originals"]),
            note=form.cleaned_data["note"],
            issue_code={"code": True, "now": False}.get(mode or ""),
        )
        try:
            outcome = confirm_in_person(applicant.account, decision, by=signed_in(request), request=request)
        except IdentityError as error:
            return self._failed(request, applicant, error)
        if outcome.issued_code:
            return self._show_code(request, applicant, outcome.issued_code)
        return self._done(request, applicant, _("Identity confirmed; the account is active and the person is told."))

    def issue_code_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        applicant = self._applicant(request, object_id, "issue_code")
        if refused := self._not_now(request, applicant, "issue_code"):
            return refused
        current = flows.current(applicant.account)
        if current is None:
            return self._failed(request, applicant, IdentityError("no_confirmation"))
        try:
            outcome = SERVICE_CENTRE.issue_code(current, by=signed_in(request), request=request)
        except IdentityError as error:
            return self._failed(request, applicant, error)
        return self._show_code(request, applicant, outcome.issued_code)

    def _show_code(self, request: HttpRequest, applicant: PendingApplication, code: str) -> HttpResponse:
        """The code exists in clear only in this response: it is never stored and cannot be shown again."""
        response = TemplateResponse(
            request,
            "admin/identity/pendingapplication/code_issued.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Code for application %(number)s") % {"number": applicant.application_number},
                "applicant": applicant,
                "code": code,
            },
        )
        response["Cache-Control"] = "private, no-store"
        return response

    def confirm_scans_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        applicant = self._applicant(request, object_id, "confirm_scans")
        if refused := self._not_now(request, applicant, "confirm_scans"):
            return refused
        form = ConfirmScansForm(request.POST)
        if not form.is_valid():
            return self._invalid(request, applicant, "confirm_scans", form)
        current = flows.current(applicant.account)
        if current is None or current.method != "scan_review":
            return self._failed(request, applicant, IdentityError("wrong_method"))
        decision = ClerkDecision(checks=tuple(form.cleaned_data["checks"]), note=form.cleaned_data["note"])
        try:
            registry.get("scan_review").complete(current, decision, by=signed_in(request), request=request)
        except IdentityError as error:
            return self._failed(request, applicant, error)
        return self._done(request, applicant, _("Identity confirmed; the account is active and the person is told."))

    def reject_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        applicant = self._applicant(request, object_id, "reject")
        if refused := self._not_now(request, applicant, "reject"):
            return refused
        form = ReasonForm(request.POST, prefix="reject")
        if not form.is_valid():
            return self._invalid(request, applicant, "reject", form)
        current = flows.current(applicant.account)
        if current is None:
            return self._failed(request, applicant, IdentityError("no_confirmation"))
        try:
            flows.reject(current, by=signed_in(request), reason=form.cleaned_data["reason"], request=request)
        except IdentityError as error:
            return self._failed(request, applicant, error)
        return self._done(request, applicant, _("Rejected; the person is told why and may try again."))

    def request_documents_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        applicant = self._applicant(request, object_id, "request_documents")
        if refused := self._not_now(request, applicant, "request_documents"):
            return refused
        form = RequestDocumentsForm(request.POST)
        if not form.is_valid():
            return self._invalid(request, applicant, "request_documents", form)
        current = flows.current(applicant.account)
        if current is None:
            return self._failed(request, applicant, IdentityError("no_confirmation"))
        try:
            flows.request_documents(
                current, by=signed_in(request), message=form.cleaned_data["message"], request=request
            )
        except IdentityError as error:
            return self._failed(request, applicant, error)
        return self._done(request, applicant, _("Request sent; the person uploads the documents in the account."))

    def block_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        return self._block_or_unblock(
            request, object_id, "block", flows.block, _("Account blocked; the person is told why.")
        )

    def unblock_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        return self._block_or_unblock(
            request, object_id, "unblock", flows.unblock, _("Account unblocked; the person is told.")
        )

    def _block_or_unblock(
        self, request: HttpRequest, object_id: int, action: str, flow: Callable[..., None], message: Any
    ) -> HttpResponse:
        applicant = self._applicant(request, object_id, action)
        if refused := self._not_now(request, applicant, action):
            return refused
        form = ReasonForm(request.POST, prefix="block")
        if not form.is_valid():
            return self._invalid(request, applicant, "block", form)
        try:
            flow(applicant.account, by=request.user, reason=form.cleaned_data["reason"], request=request)
        except IdentityError as error:
            return self._failed(request, applicant, error)
        return self._done(request, applicant, message)
