"""The video operators' desk: their slots, publishing a day of slots, and the day's calls with decisions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from registration import access
from registration.accounts import audit
from registration.accounts.models import Document, DocumentRole
from registration.accounts.signed_in import signed_in
from registration.identity import video_call
from registration.identity.base import ClerkDecision, IdentityError
from registration.identity.models import VideoSlot
from registration.workspace.base import DefaultChoiceFilter
from registration.workspace.forms import PublishSlotsForm, VideoDecisionForm
from registration.workspace.listing import IndexedList


class WhenFilter(DefaultChoiceFilter):
    """Slots from today on, unless past ones (or all) are asked for; each served by the start-time index."""

    title = _("when")
    parameter_name = "when"
    UPCOMING, PAST = "upcoming", "past"
    default = UPCOMING

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [(self.UPCOMING, _("From today")), (self.PAST, _("Before today")), (self.ALL, _("All"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
        if self.value() == self.UPCOMING:
            return queryset.filter(starts_at__gte=today)
        if self.value() == self.PAST:
            return queryset.filter(starts_at__lt=today)
        return queryset


@admin.register(VideoSlot)
class VideoSlotAdmin(IndexedList, admin.ModelAdmin):
    list_display = ("starts_at", "duration_minutes", "operator", "booked")
    list_select_related = ("operator",)
    list_filter = (WhenFilter,)
    list_per_page = 50
    ordering = ("starts_at", "pk")
    change_list_template = "admin/identity/videoslot/change_list.html"

    def get_fields(self, request: HttpRequest, obj: VideoSlot | None = None) -> list[str]:  # type: ignore[override]  # list[str] is a valid _FieldGroups; list is invariant
        fields = ["starts_at", "duration_minutes", "meeting_link"]
        return ["operator", *fields] if request.user.is_superuser else fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[VideoSlot]:
        queryset = super().get_queryset(request)
        return queryset.filter(access.slots_visible_to(request.user))

    def _may_edit(self, request: HttpRequest, obj: VideoSlot | None) -> bool:
        return obj is None or (obj.booked_for_id is None and access.can_see_slot(request.user, obj))

    def has_change_permission(self, request: HttpRequest, obj: VideoSlot | None = None) -> bool:
        return super().has_change_permission(request, obj) and self._may_edit(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: VideoSlot | None = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_edit(request, obj)

    def save_model(self, request: HttpRequest, obj: VideoSlot, form: ModelForm, change: bool) -> None:
        if not request.user.is_superuser or not obj.operator_id:
            obj.operator = signed_in(request)
        super().save_model(request, obj, form, change)
        audit.record(
            "video.slots_published",
            actor=signed_in(request),
            request=request,
            data={"slot": obj.pk, "changed": change},
        )

    @admin.display(description=_("booked"), boolean=True)
    def booked(self, obj: VideoSlot) -> bool:
        return obj.booked_for_id is not None

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra = {"can_conduct": access.may(request.user, "video_calls")}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    # --- publishing and the day's calls -------------------------------------------------------------

    def get_urls(self) -> list:
        return [
            path("publish/", self.admin_site.admin_view(self.publish_view), name="identity_videoslot_publish"),
            path("day/", self.admin_site.admin_view(self.day_view), name="identity_videoslot_day"),
            path(
                "<int:slot_id>/decide/",
                self.admin_site.admin_view(require_POST(self.decide_view)),
                name="identity_videoslot_decide",
            ),
            *super().get_urls(),
        ]

    def _check(self, request: HttpRequest) -> None:
        if not access.may(request.user, "video_calls"):
            raise PermissionDenied

    def _context(self, request: HttpRequest, **extra: Any) -> dict:
        return {**self.admin_site.each_context(request), "opts": self.opts, **extra}

    def publish_view(self, request: HttpRequest) -> HttpResponse:
        """Publish a day of slots at once."""
        self._check(request)
        form = PublishSlotsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            created = video_call.publish_slots(
                signed_in(request),
                data["day"],
                data["first"],
                data["last"],
                length_minutes=data["length"],
                meeting_link=data["meeting_link"],
                request=request,
            )
            messages.success(request, _("Slots published: %(count)s.") % {"count": len(created)})
            return redirect("admin:identity_videoslot_changelist")
        return TemplateResponse(
            request,
            "admin/identity/videoslot/publish.html",
            self._context(request, form=form, title=_("Publish video call slots")),
        )

    def day_view(self, request: HttpRequest) -> HttpResponse:
        """The operator's booked calls on one day, each with the person's data and the decision form."""
        self._check(request)
        try:
            day = date.fromisoformat(request.GET.get("date", ""))
        except ValueError:
            day = timezone.localdate()
        calls = list(video_call.day_calls(signed_in(request), day))
        accounts = [call.booked_for.account_id for call in calls]  # type: ignore[union-attr]  # day_calls: booked only
        documents: dict[int, list[Document]] = {}
        for document in Document.objects.filter(
            applicant__account__in=accounts, role=DocumentRole.IDENTITY
        ).select_related("applicant"):
            documents.setdefault(document.applicant.account_id, []).append(document)
        now = timezone.now()
        rows = [
            {
                "slot": call,
                "applicant": getattr(call.booked_for.account, "applicant", None),  # type: ignore[union-attr]
                "documents": documents.get(call.booked_for.account_id, []),  # type: ignore[union-attr]
                "open": access.can_decide_call(request.user, call),
                "started": call.starts_at <= now,
                "form": VideoDecisionForm(prefix=f"slot{call.pk}"),
                "can_view_scans": access.can_view_scans_of(request.user, call.booked_for.account_id),  # type: ignore[union-attr]
            }
            for call in calls
        ]
        return TemplateResponse(
            request,
            "admin/identity/videoslot/day.html",
            self._context(
                request,
                rows=rows,
                day=day,
                previous=day - timedelta(days=1),
                next=day + timedelta(days=1),
                title=_("Video calls on %(day)s") % {"day": day.strftime("%d.%m.%Y")},
            ),
        )

    def decide_view(self, request: HttpRequest, slot_id: int) -> HttpResponse:
        """After a call: confirm the identity, or reject with a reason."""
        self._check(request)
        slot = get_object_or_404(VideoSlot.objects.select_related("booked_for", "booked_for__account"), pk=slot_id)
        if not access.can_see_slot(request.user, slot):
            raise Http404
        back = reverse("admin:identity_videoslot_day") + f"?date={timezone.localtime(slot.starts_at).date()}"
        if slot.booked_for is None:
            messages.error(request, _("Nobody booked this slot."))
            return redirect(back)
        if not access.can_decide_call(request.user, slot):
            messages.error(request, IdentityError("wrong_state").message)
            return redirect(back)
        form = VideoDecisionForm(request.POST, prefix=f"slot{slot.pk}")
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)  # type: ignore[arg-type]  # iterating an ErrorList yields str
            return redirect(back)
        reason = (form.cleaned_data.get("reason") or "").strip()
        try:
            if form.cleaned_data["decision"] == VideoDecisionForm.CONFIRM:
                video_call.METHOD.complete(
                    slot.booked_for, ClerkDecision(note=reason), by=signed_in(request), request=request
                )
                messages.success(request, _("Identity confirmed; the person is told."))
            else:
                video_call.METHOD.reject(slot.booked_for, by=signed_in(request), reason=reason, request=request)
                messages.success(request, _("Not confirmed; the person is told why."))
        except IdentityError as error:
            messages.error(request, error.message)
        return redirect(back)
