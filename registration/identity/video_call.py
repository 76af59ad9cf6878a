"""Video identification: operators publish slots, the person books one, the operator decides after the call."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

from django import forms
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts import audit
from registration.accounts.models import Account
from registration.core import timezones
from registration.core.form_messages import RequiredMessagesMixin
from registration.identity import conf, flows
from registration.identity.base import ClerkDecision, Evidence, IdentityError, Method, Outcome
from registration.identity.models import IdentityConfirmation, VideoSlot

RATE_ACTION = "video_booking"
MAX_SLOTS_SHOWN = 40

audit.register_actions(
    {
        "video.booked": _("Video call booked"),
        "video.booking_cancelled": _("Video call booking cancelled"),
        "video.slots_published": _("Video call slots published"),
    }
)


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: VideoSlot) -> str:
        # A person abroad must not guess whose clock is meant: the zone is named on every time.
        return timezones.with_zone(obj.starts_at)


class BookingForm(RequiredMessagesMixin, forms.Form):
    required_messages = {
        "slot": _("Choose a time for the video call."),
    }

    slot = SlotChoiceField(
        label=_("Choose a time for the video call"),
        queryset=VideoSlot.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _("This time can no longer be booked. Choose another time.")},
    )

    def __init__(self, *args: Any, slots: QuerySet[VideoSlot] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        assert isinstance(self.fields["slot"], forms.ModelChoiceField)
        self.fields["slot"].queryset = slots if slots is not None else free_slots()


class CancelBookingForm(forms.Form):
    """No fields: the button is the whole form."""


def free_slots(now: datetime | None = None) -> QuerySet[VideoSlot]:
    """Slots nobody booked that start late enough to be booked."""
    earliest = (now or timezone.now()) + conf.video_booking_notice()
    return VideoSlot.objects.filter(booked_for__isnull=True, starts_at__gte=earliest).order_by("starts_at", "pk")


def booked_slot(confirmation: IdentityConfirmation) -> VideoSlot | None:
    return confirmation.video_slots.order_by("-starts_at").first()


class VideoCallMethod(Method):
    code = "video_call"
    label = _("Video call with an operator")
    description = _(
        "Book a time for a short video call. Have your passport at hand: the operator compares it with "
        "your application. You need a camera and a microphone."
    )
    template_name = "cabinet/identity/video_call.html"
    person_forms: ClassVar[Mapping[str, type[forms.Form]]] = {"book": BookingForm, "cancel_booking": CancelBookingForm}

    def start(self, account: Account, *, request: HttpRequest | None = None, **data: Any) -> IdentityConfirmation:
        return flows.open_confirmation(account, self.code, request=request)

    def form_kwargs(self, action: str, account: Account, confirmation: IdentityConfirmation | None) -> dict:
        if action == "book":
            # The earliest free slots (a sliced queryset cannot validate a choice: filter by their ids).
            first = list(free_slots().values_list("pk", flat=True)[:MAX_SLOTS_SHOWN])
            return {"slots": free_slots().filter(pk__in=first)}
        return {}

    def act(
        self,
        action: str,
        confirmation: IdentityConfirmation,
        data: Mapping[str, Any],
        *,
        request: HttpRequest | None = None,
    ) -> Outcome:
        flows.ensure_open(confirmation, self.code)
        if action == "book":
            return self.book(confirmation, data["slot"], request=request)
        if action == "cancel_booking":
            self._release(confirmation, request=request, audited=True)
            return Outcome(confirmation, message=_("Your booking is cancelled."))
        raise IdentityError("wrong_method")

    def book(self, confirmation: IdentityConfirmation, slot: VideoSlot, *, request: HttpRequest | None) -> Outcome:
        """Book ``slot`` (releasing any earlier booking); of two people racing for it one wins."""
        flows.ensure_open(confirmation, self.code)
        flows.check_rate(RATE_ACTION, confirmation.account)
        flows.count_failure(RATE_ACTION, confirmation.account)  # every booking counts: it e-mails the person
        now = timezone.now()
        with transaction.atomic():
            # One booking per person: simultaneous bookings of one confirmation queue on its row, so each
            # releases what the previous one booked (a slot itself is taken by a conditional update).
            locked = IdentityConfirmation.objects.select_for_update().select_related("account").get(pk=confirmation.pk)
            flows.ensure_open(locked, self.code)
            self._release(confirmation, request=None, audited=False)
            booked = VideoSlot.objects.filter(
                pk=slot.pk, booked_for__isnull=True, starts_at__gte=now + conf.video_booking_notice()
            ).update(booked_for=confirmation, booked_at=now)
            if not booked:
                fresh = VideoSlot.objects.filter(pk=slot.pk).first()
                raise IdentityError("slot_taken" if fresh and fresh.booked_for_id else "slot_unavailable")
            audit.record(
                "video.booked",
                account=confirmation.account,
                request=request,
                data={"confirmation": confirmation.pk, "slot": slot.pk},
            )
        slot.refresh_from_db()
        flows.notify(
            confirmation.account,
            "video_booked",
            {"starts_at": slot.starts_at, "duration": slot.duration_minutes, "meeting_link": slot.meeting_link},
        )
        return Outcome(confirmation, message=_("Your video call is booked."))

    def _release(self, confirmation: IdentityConfirmation, *, request: HttpRequest | None, audited: bool) -> None:
        freed = list(
            VideoSlot.objects.filter(booked_for=confirmation, starts_at__gt=timezone.now()).values_list("pk", flat=True)
        )
        if freed:
            VideoSlot.objects.filter(pk__in=freed).update(booked_for=None, booked_at=None)
            if audited:
                audit.record(
                    "video.booking_cancelled",
                    account=confirmation.account,
                    request=request,
                    data={"confirmation": confirmation.pk, "slots": freed},
                )

    def cancel(self, confirmation: IdentityConfirmation) -> None:
        self._release(confirmation, request=None, audited=False)

    def complete(
        self,
        confirmation: IdentityConfirmation,
        evidence: Evidence,
        *,
        by: Account | None,
        request: HttpRequest | None = None,
    ) -> Outcome:
        """The operator confirms after the call."""
        if not isinstance(evidence, ClerkDecision) or by is None:
            raise IdentityError("wrong_method")
        slot = self._operators_call(confirmation, by)
        return flows.confirm(confirmation, by=by, request=request, details={"slot": slot.pk}, reason=evidence.note)

    def reject(
        self, confirmation: IdentityConfirmation, *, by: Account, reason: str, request: HttpRequest | None = None
    ) -> IdentityConfirmation:
        """The operator rejects after the call (the person may book again or choose another method)."""
        self._operators_call(confirmation, by)
        return flows.reject(confirmation, by=by, reason=reason, request=request)

    def _operators_call(self, confirmation: IdentityConfirmation, by: Account) -> VideoSlot:
        flows.ensure_open(confirmation, self.code)
        slot = booked_slot(confirmation)
        if slot is None:
            raise IdentityError("wrong_state")
        if slot.operator_id != by.pk and not by.is_superuser:
            raise IdentityError("not_your_call")
        if slot.starts_at > timezone.now():
            raise IdentityError("call_not_started")
        return slot

    def cabinet_context(self, account: Account, confirmation: IdentityConfirmation | None) -> dict:
        return {"booking": booked_slot(confirmation) if confirmation else None}


METHOD = VideoCallMethod()


# --- the operators' side -------------------------------------------------------------------------


def publish_slots(
    operator: Account,
    day: date,
    first: time,
    last: time,
    *,
    length_minutes: int = 20,
    meeting_link: str = "",
    request: HttpRequest | None = None,
) -> list[VideoSlot]:
    """Publish slots of ``length_minutes`` from ``first`` until ``last`` on ``day`` (existing ones kept)."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, first, tzinfo=zone)
    end = datetime.combine(day, last, tzinfo=zone)
    step = timedelta(minutes=length_minutes)
    created: list[VideoSlot] = []
    with transaction.atomic():
        # Two publications by one operator at once would both miss each other's slots and then collide
        # on ``identity_video_slot_unique_start``: they queue on the operator's row instead.
        Account.objects.select_for_update().only("pk").get(pk=operator.pk)
        existing = set(
            VideoSlot.objects.filter(operator=operator, starts_at__gte=start, starts_at__lt=end).values_list(
                "starts_at", flat=True
            )
        )
        moment = start
        while moment + step <= end:
            if moment not in existing:
                created.append(
                    VideoSlot(
                        operator=operator, starts_at=moment, duration_minutes=length_minutes, meeting_link=meeting_link
                    )
                )
            moment += step
        VideoSlot.objects.bulk_create(created)
        if created:
            audit.record(
                "video.slots_published",
                actor=operator,
                request=request,
                data={"day": day.isoformat(), "slots": len(created)},
            )
    return created


def day_calls(operator: Account, day: date) -> QuerySet[VideoSlot]:
    """The operator's booked calls on ``day`` (every operator's for a superuser)."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    calls = VideoSlot.objects.filter(
        starts_at__gte=start, starts_at__lt=start + timedelta(days=1), booked_for__isnull=False
    ).select_related("booked_for", "booked_for__account", "booked_for__account__applicant", "operator")
    if not operator.is_superuser:
        calls = calls.filter(operator=operator)
    return calls.order_by("starts_at")
