"""The support operators' desk: the queue of support requests, the thread, answers and status changes,
requests typed in for a caller, the caller desk (``caller.py``) and the supervisors' alerts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from registration import access
from registration.accounts import audit
from registration.accounts.identifiers import normalise_email
from registration.accounts.models import Account
from registration.accounts.signed_in import signed_in
from registration.core.masking import mask_email
from registration.support import caller
from registration.support import desk as support_desk
from registration.support.models import CallerVerificationAlert, SupportMessage, SupportRequest, SupportStatus
from registration.workspace.base import DefaultChoiceFilter
from registration.workspace.caller import CallerDeskMixin
from registration.workspace.forms import OperatorRequestForm, SupportAnswerForm, SupportStatusForm
from registration.workspace.listing import IndexedList
from registration.workspace.search import PostedSearch

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class Counted(TypedDict):
        """What ``get_queryset`` annotates each request with."""

        message_total: int


class OpenFilter(DefaultChoiceFilter):
    """Requests still to deal with, unless another status is chosen."""

    title = _("status")
    parameter_name = "status"
    OPEN = "open"
    default = OPEN

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [(self.OPEN, _("Open")), *SupportStatus.choices, ("all", _("All"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == "all":
            return queryset
        if value == self.OPEN:
            return queryset.exclude(status=SupportStatus.RESOLVED)
        return queryset.filter(status=value) if value in SupportStatus.values else queryset.none()


@admin.register(SupportRequest)
class SupportRequestAdmin(PostedSearch, IndexedList, CallerDeskMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "subject",
        "topic",
        "channel",
        "status",
        "masked_email",
        "messages_count",
        "created_at",
        "updated_at",
    )
    list_filter = (OpenFilter, "topic", "channel")
    list_select_related = ("account",)
    search_fields = ("=number",)
    search_help_text = _("Request number (S-…) or the person's e-mail.")
    ordering = ("created_at", "pk")
    change_list_template = "admin/support/supportrequest/change_list.html"
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    actions = None

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        user = request.user
        return access.may(user, "view_support") if obj is None else access.can_view_support_thread(user, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access.may(request.user, "open_support_request")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        if access.may(request.user, "view_caller_alerts"):
            waiting = CallerVerificationAlert.objects.filter(acknowledged_at__isnull=True).count()
            if waiting:
                messages.warning(
                    request,
                    ngettext(
                        "%(count)d caller verification alert waits for a supervisor.",
                        "%(count)d caller verification alerts wait for a supervisor.",
                        waiting,
                    )
                    % {"count": waiting},
                )
        extra_context = {
            **(extra_context or {}),
            "can_verify_callers": access.may(request.user, "verify_caller"),
        }
        return super().changelist_view(request, extra_context)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None) -> HttpResponse:
        """A request typed in for a caller: the account (found exactly, or chosen on the caller desk),
        a topic and the description."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        preset = None
        if request.GET.get("account", "").isdigit():
            preset = Account.objects.filter(pk=int(request.GET["account"])).first()
            if preset is None or not caller.verifiable(preset):
                raise Http404
        if request.method == "POST":
            form = OperatorRequestForm(request.POST, request.FILES, account=preset)
            if form.is_valid():
                screenshot = form.cleaned_data.get("screenshot")
                support_request = support_desk.open_for_caller(
                    form.account_found,  # type: ignore[arg-type]
                    by=request.user,  # type: ignore[arg-type]
                    topic=form.cleaned_data["topic"],
                    body=form.cleaned_data["body"],
                    attachment=screenshot,
                    attachment_name=getattr(screenshot, "name", "") or "",
                    request=request,
                )
                messages.success(
                    request,
                    _("Request %(number)s opened: the person sees it in their account.")
                    % {"number": support_request.number},
                )
                return redirect(reverse("admin:support_supportrequest_change", args=[support_request.pk]))
        else:
            form = OperatorRequestForm(account=preset)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Open a request for a caller"),
            "form": form,
            "preset": preset,
            "masked_email": mask_email(preset.email) if preset else "",
        }
        response = TemplateResponse(
            request,
            "admin/support/supportrequest/add.html",
            context,
            status=400 if request.method == "POST" else 200,
        )
        add_never_cache_headers(response)
        return response

    def get_queryset(self, request: HttpRequest) -> QuerySet[SupportRequest]:
        # A count per row of the page (not a GROUP BY over every request, which reads the whole table).
        counted = SupportMessage.objects.filter(request=OuterRef("pk")).order_by().values("request")
        return (
            super()
            .get_queryset(request)
            .annotate(message_total=Subquery(counted.annotate(total=Count("pk")).values("total")[:1]))
        )

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        term = search_term.strip()
        if "@" in term:
            return queryset.filter(account__email=normalise_email(term)), False
        # Numbers are stored upper-case: an exact match, on the unique index.
        return queryset.filter(number=term.upper()) if term else queryset, False

    @admin.display(description=_("e-mail"))
    def masked_email(self, obj: SupportRequest) -> str:
        return mask_email(obj.account.email)

    @admin.display(description=_("messages"))
    def messages_count(self, obj: WithAnnotations[SupportRequest, Counted]) -> int:
        return obj.message_total or 0

    def get_urls(self) -> list:
        return [
            path(
                "<int:object_id>/answer/",
                self.admin_site.admin_view(require_POST(self.answer_view)),
                name="support_supportrequest_answer",
            ),
            path(
                "<int:object_id>/status/",
                self.admin_site.admin_view(require_POST(self.status_view)),
                name="support_supportrequest_status",
            ),
            path(
                "attachment/<int:message_id>/",
                self.admin_site.admin_view(self.attachment_view),
                name="support_supportrequest_attachment",
            ),
            *self.caller_urls(),
            *super().get_urls(),
        ]

    def _request(self, request: HttpRequest, object_id: Any, *, answering: bool = False) -> SupportRequest:
        """The thread, if the role may open it (403 otherwise), and answer it with ``answering``; else 404."""
        user = request.user
        if not access.may(user, "view_support") or (answering and not access.may(user, "answer_support")):
            raise PermissionDenied
        thread = get_object_or_404(SupportRequest.objects.select_related("account"), pk=object_id)
        allowed = access.can_answer_support if answering else access.can_view_support_thread
        if not allowed(user, thread):
            raise Http404
        return thread

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        if not object_id.isdigit():
            raise Http404
        support_request = self._request(request, object_id)
        return self._page(request, support_request)

    def _page(
        self, request: HttpRequest, support_request: SupportRequest, answer_form: SupportAnswerForm | None = None
    ) -> HttpResponse:
        response = TemplateResponse(
            request,
            "admin/support/supportrequest/thread.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Support request %(number)s") % {"number": support_request.number},
                "support_request": support_request,
                "masked_email": mask_email(support_request.account.email),  # as the list shows it
                "thread": support_request.messages.select_related("author").order_by("created_at", "pk"),
                "can_answer": access.can_answer_support(request.user, support_request),
                "can_verify": access.may(request.user, "verify_caller") and caller.verifiable(support_request.account),
                "answer_form": answer_form or SupportAnswerForm(),
                "status_form": SupportStatusForm(initial={"status": support_request.status}),
            },
            status=400 if answer_form is not None else 200,
        )
        add_never_cache_headers(response)
        return response

    def answer_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        support_request = self._request(request, object_id, answering=True)
        form = SupportAnswerForm(request.POST)
        if not form.is_valid():
            return self._page(request, support_request, answer_form=form)
        support_desk.answer(
            support_request,
            by=signed_in(request),
            body=form.cleaned_data["body"],
            status=form.cleaned_data["status"],
            request=request,
        )
        messages.success(request, _("Answer sent; the person is told by e-mail."))
        return redirect(reverse("admin:support_supportrequest_change", args=[support_request.pk]))

    def status_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        support_request = self._request(request, object_id, answering=True)
        form = SupportStatusForm(request.POST)
        if form.is_valid():
            try:
                support_desk.change_status(
                    support_request, by=signed_in(request), status=form.cleaned_data["status"], request=request
                )
            except support_desk.SupportError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Status changed."))
        else:
            messages.error(request, _("Choose a valid status."))
        return redirect(reverse("admin:support_supportrequest_change", args=[support_request.pk]))

    def attachment_view(self, request: HttpRequest, message_id: int) -> FileResponse:
        """A screenshot attached to a message: support operators only, each view audited."""
        if not access.may(request.user, "answer_support"):
            raise PermissionDenied
        message = get_object_or_404(SupportMessage.objects.select_related("request"), pk=message_id)
        if not access.can_view_support_attachment(request.user, message):
            raise Http404
        try:
            handle = message.attachment.storage.open(message.attachment.name, "rb")
        except OSError:
            raise Http404 from None
        audit.record(
            "support.attachment_viewed",
            account=message.request.account,
            request=request,
            data={"request": message.request.number, "message": message.pk},
        )
        response = FileResponse(handle, as_attachment=True, filename=f"attachment-{message.pk}")
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


@admin.register(CallerVerificationAlert)
class CallerVerificationAlertAdmin(IndexedList, admin.ModelAdmin):
    """For support supervisors: accounts whose caller checks failed too often (verification locked)."""

    list_display = ("created_at", "masked_email", "operator", "failures", "locked_until", "acknowledged_at")
    list_filter = (("acknowledged_at", admin.EmptyFieldListFilter),)
    list_select_related = ("account", "operator")
    readonly_fields = (
        "account",
        "operator",
        "failures",
        "created_at",
        "locked_until",
        "acknowledged_at",
        "acknowledged_by",
    )
    fields = readonly_fields
    ordering = ("-created_at", "-pk")
    list_per_page = 50
    actions = ["acknowledge"]
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.may(request.user, "view_caller_alerts")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return access.may(request.user, "deal_with_caller_alerts")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("e-mail"))
    def masked_email(self, obj: CallerVerificationAlert) -> str:
        return mask_email(obj.account.email)

    @admin.action(description=_("Mark the selected alerts as dealt with"), permissions=["change"])
    def acknowledge(self, request: HttpRequest, queryset: QuerySet[CallerVerificationAlert]) -> None:
        done = sum(caller.acknowledge(alert, by=request.user, request=request) for alert in queryset)  # type: ignore[arg-type]
        messages.success(
            request, ngettext("%(count)d alert dealt with.", "%(count)d alerts dealt with.", done) % {"count": done}
        )
