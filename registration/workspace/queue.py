"""The queue of applications and an application's page, with the service-centre clerks' actions."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from registration.accounts import audit
from registration.accounts.models import AccountStatus, AuditEvent, Document, DocumentRole
from registration.core.masking import mask, mask_email, mask_passport, mask_snils, refuses_lookup
from registration.identity import conf, flows, registry
from registration.identity.base import ClerkDecision, IdentityError
from registration.identity.models import (
    OPEN_STATES,
    ConfirmationState,
    IdentityConfirmation,
    PendingApplication,
    RequestedScan,
    ServiceCentre,
)
from registration.identity.scans import cross_check, mime_type
from registration.identity.service_centre import METHOD as SERVICE_CENTRE
from registration.identity.service_centre import confirm_in_person
from registration.onboarding import submit as services
from registration.workspace.changes import ChangeRequestFilter, ChangeReviewMixin, waiting_change
from registration.workspace.forms import (
    ConfirmInPersonForm,
    ConfirmScansForm,
    ReasonForm,
    RequestDocumentsForm,
)

#: What two applications share, found by keyed hashes (services.duplicates_of).
DUPLICATE_LABELS = {
    "document": _("the same identity document or document of stay"),
    "snils": _("the same SNILS"),
    "inn": _("the same INN"),
}

# The app that declares each permission the queue checks (identity's own, unless named here).
PERMISSION_APP = {"review_profile_change": "profile"}


def PERM(codename: str) -> str:
    return f"{PERMISSION_APP.get(codename, 'identity')}.{codename}"


def _shown_confirmation() -> QuerySet[IdentityConfirmation]:
    """The confirmation whose method and centre the queue shows: the open one, else the latest (confirmed…)."""
    return (
        IdentityConfirmation.objects.filter(account=OuterRef("account_id"))
        .annotate(
            closed=Case(When(state__in=OPEN_STATES, then=Value(0)), default=Value(1), output_field=IntegerField())
        )
        .order_by("closed", "-started_at", "-pk")
    )


class StatusFilter(admin.SimpleListFilter):
    """Pending applications unless another status is chosen."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [
            (AccountStatus.PENDING, AccountStatus.PENDING.label),
            (AccountStatus.BLOCKED, AccountStatus.BLOCKED.label),
            (AccountStatus.ACTIVE, AccountStatus.ACTIVE.label),
            ("all", _("All")),
        ]

    def value(self) -> str:
        return super().value() or AccountStatus.PENDING

    def choices(self, changelist: Any):  # type: ignore[no-untyped-def]
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "all":
            return queryset
        if value not in AccountStatus.values:
            return queryset.none()
        return queryset.filter(account__status=value)


class MethodFilter(admin.SimpleListFilter):
    title = _("method")
    parameter_name = "method"
    NONE = "none"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [*registry.choices(), (self.NONE, _("Not chosen"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value:
            return queryset
        if value == self.NONE:
            # Not chosen: no confirmation at all, open or finished.
            return queryset.filter(~Exists(IdentityConfirmation.objects.filter(account=OuterRef("account_id"))))
        return queryset.filter(shown_method=value)


class CentreFilter(admin.SimpleListFilter):
    title = _("service centre")
    parameter_name = "centre"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [(str(centre.pk), str(centre)) for centre in ServiceCentre.objects.all()]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        # The centre of the confirmation the column shows: the open one, else the latest.
        return queryset.filter(shown_centre=int(value))


class WaitingFilter(admin.SimpleListFilter):
    title = _("waiting")
    parameter_name = "waiting"
    RANGES: dict[str, tuple[int | None, int | None]] = {
        "1d": (None, 1),
        "1-3d": (1, 3),
        "3-7d": (3, 7),
        "7d+": (7, None),
    }

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [
            ("1d", _("less than a day")),
            ("1-3d", _("1 to 3 days")),
            ("3-7d", _("3 to 7 days")),
            ("7d+", _("over a week")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        bounds = self.RANGES.get(self.value() or "")
        if bounds is None:
            return queryset
        now = timezone.now()
        shortest, longest = bounds
        if shortest is not None:
            queryset = queryset.filter(submitted_at__lte=now - timedelta(days=shortest))
        if longest is not None:
            queryset = queryset.filter(submitted_at__gt=now - timedelta(days=longest))
        return queryset


_APPLICATION_NUMBER = re.compile(r"\d{10}")
_LAST_DIGITS = re.compile(r"\d{4}")
_PHONE = re.compile(r"\+?[\d\s()-]{7,20}")


@admin.register(PendingApplication)
class PendingApplicationAdmin(ChangeReviewMixin, admin.ModelAdmin):
    """The service-centre clerks' queue: oldest first, personal data masked, constant queries per page."""

    list_display = (
        "application_number",
        "name",
        "masked_email",
        "masked_phone",
        "masked_passport",
        "masked_snils",
        "account_status",
        "method_label",
        "centre_label",
        "change_waiting",
        "submitted_at",
    )
    list_display_links = ("application_number", "name")
    list_filter = (StatusFilter, ChangeRequestFilter, MethodFilter, CentreFilter, WaitingFilter)
    search_fields = ("application_number",)  # shows the search box; the real search is get_search_results
    search_help_text = _(
        "Application number, e-mail, phone, name, or the last 4 digits of the passport (optionally with a name)."
    )
    ordering = ("submitted_at", "pk")
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = None

    # --- permissions: a queue to read; nobody adds, edits or deletes applications here ---------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        if refuses_lookup(lookup):
            return False
        return super().lookup_allowed(lookup, value, request)

    # --- the list ----------------------------------------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        identity_last_digits = (
            Document.objects.filter(applicant=OuterRef("pk"), role=DocumentRole.IDENTITY)
            .order_by("-created_at")
            .values("number_last_digits")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .select_related("account")
            .annotate(
                shown_method=Subquery(_shown_confirmation().values("method")[:1]),
                shown_centre=Subquery(_shown_confirmation().values("centre_id")[:1]),
                shown_centre_name=Subquery(_shown_confirmation().values("centre__name")[:1]),
                passport_last_digits=Subquery(identity_last_digits),
                has_waiting_change=waiting_change(),
            )
        )

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        """Search by what the person can tell the clerk; whole passport or SNILS numbers find nothing."""
        term = " ".join(search_term.split())
        if not term:
            return queryset, False
        compact = term.replace(" ", "").replace("-", "")
        if _APPLICATION_NUMBER.fullmatch(compact):
            # Ten digits are an application number (read out in groups); never a passport lookup.
            return queryset.filter(application_number=compact), False
        if "@" in term:
            return queryset.filter(account__email__iexact=term.lower()), False
        if term.startswith("+") and _PHONE.fullmatch(term):
            digits = "".join(ch for ch in term if ch.isdigit())
            return queryset.filter(account__phone=f"+{digits}"), False
        words = term.split()
        last_digits = [w for w in words if _LAST_DIGITS.fullmatch(w)]
        names = [w for w in words if w.isalpha() or "-" in w or "'" in w]
        if len(last_digits) + len(names) != len(words) or len(last_digits) > 1:
            # A whole passport, SNILS or INN number, or something else we do not search by.
            messages.warning(
                request, _("Search by the last 4 digits of the passport, never by the whole number or by SNILS.")
            )
            return queryset.none(), False
        if last_digits:
            queryset = queryset.filter(
                documents__role=DocumentRole.IDENTITY, documents__number_last_digits=last_digits[0]
            )
        for word in names:
            queryset = queryset.filter(
                Q(surname__icontains=word)
                | Q(given_names__icontains=word)
                | Q(surname_cyrillic__icontains=word)
                | Q(given_names_cyrillic__icontains=word)
            )
        return queryset, bool(last_digits)

    @admin.display(description=_("name"), ordering="surname")
    def name(self, obj: PendingApplication) -> str:
        return f"{obj.surname} {obj.given_names}"

    @admin.display(description=_("e-mail"))
    def masked_email(self, obj: PendingApplication) -> str:
        return mask_email(obj.account.email)

    @admin.display(description=_("phone"))
    def masked_phone(self, obj: PendingApplication) -> str:
        return mask(obj.account.phone)

    @admin.display(description=_("passport"))
    def masked_passport(self, obj: PendingApplication) -> str:
        return mask_passport(obj.passport_last_digits)

    @admin.display(description=_("SNILS"))
    def masked_snils(self, obj: PendingApplication) -> str:
        return mask_snils(obj.snils)

    @admin.display(description=_("status"), ordering="account__status")
    def account_status(self, obj: PendingApplication) -> str:
        return obj.account.get_status_display()

    @admin.display(description=_("method"))
    def method_label(self, obj: PendingApplication) -> str:
        return registry.label(obj.shown_method) if obj.shown_method else "—"

    @admin.display(description=_("centre"))
    def centre_label(self, obj: PendingApplication) -> str:
        return obj.shown_centre_name or "—"

    @admin.display(description=_("change to review"), boolean=True)
    def change_waiting(self, obj: PendingApplication) -> bool:
        return bool(obj.has_waiting_change)

    # --- the application's page and its actions ----------------------------------------------------

    def get_urls(self) -> list:
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"

        def action(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
            return self.admin_site.admin_view(require_POST(view))

        return [
            path("lookup/<str:number>/", self.admin_site.admin_view(self.lookup_view), name=f"{prefix}_lookup"),
            path("<int:object_id>/confirm/", action(self.confirm_view), name=f"{prefix}_confirm"),
            path("<int:object_id>/confirm-scans/", action(self.confirm_scans_view), name=f"{prefix}_confirm_scans"),
            path("<int:object_id>/reject/", action(self.reject_view), name=f"{prefix}_reject"),
            path(
                "<int:object_id>/request-documents/",
                action(self.request_documents_view),
                name=f"{prefix}_request_documents",
            ),
            path("<int:object_id>/block/", action(self.block_view), name=f"{prefix}_block"),
            path("<int:object_id>/unblock/", action(self.unblock_view), name=f"{prefix}_unblock"),
            path("<int:object_id>/issue-code/", action(self.issue_code_view), name=f"{prefix}_issue_code"),
            *self.change_urls(prefix, action),
            *super().get_urls(),
        ]

    def _page_url(self, applicant: PendingApplication) -> str:
        return reverse("admin:identity_pendingapplication_change", args=[applicant.pk])

    def _applicant(self, request: HttpRequest, object_id: Any, permission: str | None = None) -> PendingApplication:
        if not self.has_view_permission(request):
            raise PermissionDenied
        if permission is not None and not request.user.has_perm(PERM(permission)):
            raise PermissionDenied
        return get_object_or_404(PendingApplication.objects.select_related("account"), pk=object_id)

    def lookup_view(self, request: HttpRequest, number: str) -> HttpResponse:
        """Where the QR code of a receipt leads: the application with that number."""
        if not self.has_view_permission(request):
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
        can = {
            "confirm": user.has_perm(PERM("confirm_identity")) and account.is_pending,
            "reject": user.has_perm(PERM("reject_identity")) and current is not None,
            "request_documents": user.has_perm(PERM("request_documents")) and current is not None,
            "block": user.has_perm(PERM("block_account")) and not account.is_blocked,
            "unblock": user.has_perm(PERM("block_account")) and account.is_blocked,
            "issue_code": (
                user.has_perm(PERM("issue_identity_code"))
                and conf.service_centre_issues_code()
                and current is not None
                and current.method == SERVICE_CENTRE.code
                and bool(current.details.get("originals"))
            ),
            "view_scans": user.has_perm(PERM("view_scan")),
        }
        changes = self.change_context(request, applicant, forms_.get("change_bound"))  # type: ignore[arg-type]
        if changes["under_review"]:
            can["confirm"] = False
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
        applicant = self._applicant(request, object_id, "confirm_identity")
        form = ConfirmInPersonForm(request.POST)
        if not form.is_valid():
            return self._invalid(request, applicant, "confirm", form)
        decision = ClerkDecision(originals=tuple(form.cleaned_data["originals"]), note=form.cleaned_data["note"])
        try:
            outcome = confirm_in_person(applicant.account, decision, by=request.user, request=request)
        except IdentityError as error:
            return self._failed(request, applicant, error)
        if outcome.issued_code:
            return self._show_code(request, applicant, outcome.issued_code)
        return self._done(request, applicant, _("Identity confirmed; the account is active and the person is told."))

    def issue_code_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        applicant = self._applicant(request, object_id, "issue_identity_code")
        current = flows.current(applicant.account)
        if current is None:
            return self._failed(request, applicant, IdentityError("no_confirmation"))
        try:
            outcome = SERVICE_CENTRE.issue_code(current, by=request.user, request=request)
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
        applicant = self._applicant(request, object_id, "confirm_identity")
        form = ConfirmScansForm(request.POST)
        if not form.is_valid():
            return self._invalid(request, applicant, "confirm_scans", form)
        current = flows.current(applicant.account)
        if current is None or current.method != "scan_review":
            return self._failed(request, applicant, IdentityError("wrong_method"))
        decision = ClerkDecision(checks=tuple(form.cleaned_data["checks"]), note=form.cleaned_data["note"])
        try:
            registry.get("scan_review").complete(current, decision, by=request.user, request=request)
        except IdentityError as error:
            return self._failed(request, applicant, error)
        return self._done(request, applicant, _("Identity confirmed; the account is active and the person is told."))

    def reject_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        applicant = self._applicant(request, object_id, "reject_identity")
        form = ReasonForm(request.POST, prefix="reject")
        if not form.is_valid():
            return self._invalid(request, applicant, "reject", form)
        current = flows.current(applicant.account)
        if current is None:
            return self._failed(request, applicant, IdentityError("no_confirmation"))
        try:
            flows.reject(current, by=request.user, reason=form.cleaned_data["reason"], request=request)
        except IdentityError as error:
            return self._failed(request, applicant, error)
        return self._done(request, applicant, _("Rejected; the person is told why and may try again."))

    def request_documents_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        applicant = self._applicant(request, object_id, "request_documents")
        form = RequestDocumentsForm(request.POST)
        if not form.is_valid():
            return self._invalid(request, applicant, "request_documents", form)
        current = flows.current(applicant.account)
        if current is None:
            return self._failed(request, applicant, IdentityError("no_confirmation"))
        try:
            flows.request_documents(current, by=request.user, message=form.cleaned_data["message"], request=request)
        except IdentityError as error:
            return self._failed(request, applicant, error)
        return self._done(request, applicant, _("Request sent; the person uploads the documents in the account."))

    def block_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        return self._block_or_unblock(request, object_id, flows.block, _("Account blocked; the person is told why."))

    def unblock_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        return self._block_or_unblock(request, object_id, flows.unblock, _("Account unblocked; the person is told."))

    def _block_or_unblock(
        self, request: HttpRequest, object_id: int, flow: Callable[..., None], message: Any
    ) -> HttpResponse:
        applicant = self._applicant(request, object_id, "block_account")
        form = ReasonForm(request.POST, prefix="block")
        if not form.is_valid():
            return self._invalid(request, applicant, "block", form)
        try:
            flow(applicant.account, by=request.user, reason=form.cleaned_data["reason"], request=request)
        except IdentityError as error:
            return self._failed(request, applicant, error)
        return self._done(request, applicant, message)
