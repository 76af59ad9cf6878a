"""The migration-office desk: the queue of submitted applications for services, the application's page with
its scans beside the typed data, and the officer's actions (take into review, request changes, approve,
reject), each re-checked on the server (``registration.access.can_act_on_service``) and audited by the flows."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from registration import access
from registration.accounts.models import Account
from registration.core.masking import mask
from registration.services import flows, registry
from registration.services.models import ServiceApplication, Status
from registration.workspace.base import DefaultChoiceFilter, ReadOnly
from registration.workspace.forms import ChangesRequestForm, ReasonForm
from registration.workspace.listing import IndexedList

HIDDEN_FROM_DESK = (Status.DRAFT, Status.AWAITING_PAYMENT)


class DeskStatusFilter(DefaultChoiceFilter):
    """Starts on the applications waiting for the desk: submitted, or in review."""

    title = _("status")
    parameter_name = "status"
    WAITING = "waiting"
    default = WAITING

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        shown = [(s.value, s.label) for s in Status if s not in HIDDEN_FROM_DESK]
        return [(self.WAITING, _("Waiting for the desk")), *shown, (self.ALL, _("All"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == self.WAITING:
            return queryset.filter(status__in=(Status.SUBMITTED, Status.IN_REVIEW))
        if value in Status.values:
            return queryset.filter(status=value)
        return queryset


class ServiceFilter(admin.SimpleListFilter):
    title = _("service")
    parameter_name = "service"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [(code, registry.title(code)) for code in access.service_codes_of_desk(request.user)]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset.filter(service=self.value()) if self.value() else queryset


@admin.register(ServiceApplication)
class ServiceDeskAdmin(IndexedList, ReadOnly, admin.ModelAdmin):
    """The migration officers' queue: oldest first, names masked, constant cost per page."""

    list_display = ("number", "service_title", "masked_name", "status", "submitted_at")
    list_display_links = ("number",)
    list_filter = (DeskStatusFilter, ServiceFilter)
    ordering = ("submitted_at", "pk")
    sortable_by = ("submitted_at",)
    list_per_page = 50
    show_facets = admin.ShowFacets.NEVER
    actions = None

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(access.service_codes_of_desk(request.user))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not access.service_codes_of_desk(request.user):
            return False
        return obj is None or access.can_view_service_application(request.user, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .filter(service__in=access.service_codes_of_desk(request.user))
            .exclude(status__in=HIDDEN_FROM_DESK)
            .select_related("account__applicant")
        )

    @admin.display(description=_("service"))
    def service_title(self, obj: ServiceApplication) -> str:
        return registry.title(obj.service)

    @admin.display(description=_("name"))
    def masked_name(self, obj: ServiceApplication) -> str:
        applicant = getattr(obj.account, "applicant", None)
        if applicant is None:
            return "—"
        initials = " ".join(f"{part[0]}." for part in applicant.given_names.split() if part)
        return f"{applicant.surname} {initials}".strip() or mask(applicant.surname)

    def get_urls(self) -> list:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/act/<slug:action>/",
                wrap(require_POST(self.act_view)),
                name="services_serviceapplication_act",
            ),
            *super().get_urls(),
        ]

    def _application(self, request: HttpRequest, object_id: Any) -> ServiceApplication:
        if not str(object_id).isdigit():
            raise Http404
        application = get_object_or_404(ServiceApplication.objects.select_related("account__applicant"), pk=object_id)
        if not (
            access.service_codes_of_desk(request.user)
            and access.can_view_service_application(request.user, application)
        ):
            raise Http404
        return application

    def _page_url(self, application: ServiceApplication) -> str:
        return reverse("admin:services_serviceapplication_change", args=[application.pk])

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        application = self._application(request, object_id)
        return self._render(request, application)

    def _render(self, request: HttpRequest, application: ServiceApplication, bound: dict | None = None) -> HttpResponse:
        service = flows.service_of(application)
        bound = bound or {}
        attachments = {a.code: a for a in application.attachments.all()}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{service.title} {application.number}",
            "application": application,
            "service": service,
            "applicant": getattr(application.account, "applicant", None),
            "sections": flows.summary(service, application),
            "scans": [(spec, attachments.get(spec.code)) for spec in service.scans],
            "history": application.history.select_related("actor"),
            "actions": access.service_actions(request.user, application),
            "changes_form": bound.get("request_changes") or ChangesRequestForm(prefix="changes"),
            "reject_form": bound.get("reject") or ReasonForm(prefix="reject"),
        }
        return TemplateResponse(request, "admin/services/serviceapplication/application.html", context)

    def act_view(self, request: HttpRequest, object_id: int, action: str) -> HttpResponse:
        if action not in flows.DESK_ACTIONS:
            raise Http404
        application = self._application(request, object_id)
        if not access.can_act_on_service(request.user, action, application):
            messages.error(request, flows.ServiceError("wrong_state").message)
            return redirect(self._page_url(application))
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            version = -1
        user: Account = request.user  # type: ignore[assignment]  # a desk member, checked above
        try:
            if action == "take":
                flows.take(application, by=user, version=version, request=request)
                messages.success(request, _("The application is yours to review."))
            elif action == "approve":
                flows.approve(application, by=user, version=version, request=request)
                messages.success(request, _("Approved: the document is issued and the person is told."))
            elif action == "request_changes":
                form = ChangesRequestForm(request.POST, prefix="changes")
                if not form.is_valid():
                    return self._render(request, application, {"request_changes": form})
                flows.request_changes(
                    application,
                    by=user,
                    message=form.cleaned_data["message"],
                    version=version,
                    request=request,
                )
                messages.success(request, _("Sent back: the person is told what to correct."))
            else:
                reason_form = ReasonForm(request.POST, prefix="reject")
                if not reason_form.is_valid():
                    return self._render(request, application, {"reject": reason_form})
                flows.reject(
                    application,
                    by=user,
                    reason=reason_form.cleaned_data["reason"],
                    version=version,
                    request=request,
                )
                messages.success(request, _("Rejected: the person is told why."))
        except flows.ServiceError as error:
            messages.error(request, error.message)
        return redirect(self._page_url(application))
