"""Registration at the place of stay: the address, the host, the period and three scans; the migration
office registers it and the person gets a notice of registration, valid for the period asked (at most
90 days), reminded 7 days before its end and extendable from the previous notice."""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import DocumentRole
from registration.documents.models import DocumentKind
from registration.onboarding.forms.address import AddressForm
from registration.services import forms
from registration.services.base import RequiredScan, Result, Service, Step
from registration.services.models import ServiceApplication, Status
from registration.services.people import holder_content
from validators import dates as vdates
from validators import regions as vregions
from validators.scans import PhysicalSize


def address_line(address: dict[str, Any]) -> str:
    """The address in Russian, as the notice prints it."""
    parts = [
        address.get("postcode", ""),
        vregions.name(address.get("region", ""), "ru") if address.get("region") else "",
        address.get("city", ""),
        address.get("street", ""),
        f"д. {address['house']}" if address.get("house") else "",
        f"кв. {address['flat']}" if address.get("flat") else "",
    ]
    return ", ".join(part for part in parts if part)


def stay_document_until(application: ServiceApplication) -> datetime.date | None:
    """The last day of the person's documents of stay (their latest end date), ``None`` when none has one."""
    applicant = getattr(application.account, "applicant", None)
    if applicant is None:
        return None
    found = applicant.documents.filter(role=DocumentRole.STAY, expiry_date__isnull=False).aggregate(
        last=Max("expiry_date")
    )
    last: datetime.date | None = found["last"]
    return last


class StayRegistration(Service):
    code = "stay_registration"
    title = _("Registration at the place of stay")
    summary = _(
        "The address where you live, the host (a person with their passport or an organisation with its INN "
        "and OGRN), the period (at most 90 days), and scans of your passport, migration card and rental "
        "contract. The notice of registration usually comes within 24 hours."
    )
    steps = (
        Step("address", _("Where do you live?"), AddressForm),
        Step("host", _("Who gives you the place to live?"), forms.HostForm),
        Step("period", _("For how long do you register?"), forms.PeriodForm),
        Step("scans", _("Scans of your documents"), forms.ScansForm),
    )
    scans = (
        RequiredScan("passport", _("Passport: the page with your photo"), PhysicalSize.ID3),
        RequiredScan("migration_card", _("Migration card"), PhysicalSize.A4),
        RequiredScan(
            "right_to_live",
            _("Rental contract or another document that gives you the right to live there"),
            PhysicalSize.A4,
        ),
    )
    statuses = (*Service.statuses, Status.EXPIRED)
    remind_days_before = 7
    extendable = True

    def form_kwargs(self, step: str, application: ServiceApplication) -> dict[str, Any]:
        if step == "period":
            sent = application.submitted_at if not application.is_editable else None
            return {"stay_until": stay_document_until(application), "today": timezone.localdate(sent) if sent else None}
        return {}

    def valid_until(self, cleaned: dict[str, dict[str, Any]]) -> datetime.date | None:
        end: datetime.date | None = cleaned.get("period", {}).get("end")
        return end

    def extension_answers(self, previous: ServiceApplication) -> dict[str, Any]:
        """The same address and host; the period from the day after the previous one ends, as long as allowed."""
        answers = {key: value for key, value in previous.get_answers().items() if key in ("address", "host")}
        if previous.valid_until is not None:
            start = previous.valid_until + datetime.timedelta(days=1)
            end = start + datetime.timedelta(days=forms.MAX_STAY_DAYS - 1)
            until = stay_document_until(previous)
            if until is not None and until >= start:
                end = min(end, until)
            answers["period"] = {"start": [vdates.format(start)], "end": [vdates.format(end)]}
        return answers

    def result(self, application: ServiceApplication, cleaned: dict[str, dict[str, Any]]) -> Result:
        period, host = cleaned["period"], cleaned["host"]
        if host["kind"] == forms.HostForm.PERSON:
            host_line = f"{host['surname']} {host['given_names']}"
        else:
            host_line = f"{host['organisation']}, ИНН {host['inn']}, ОГРН {host['ogrn']}"
        content = {
            **holder_content(application.account, region=cleaned["address"].get("region", "")),
            "address": address_line(cleaned["address"]),
            "host": host_line,
            "period_from": vdates.format(period["start"]),
            "period_until": vdates.format(period["end"]),
            "application_number": application.number,
        }
        return Result(DocumentKind.STAY_NOTICE, period["start"], period["end"], content)


SERVICE = StayRegistration()
