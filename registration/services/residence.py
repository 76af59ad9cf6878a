"""The residence-permit application: questionnaires on work, education and family, four attachments and the
state fee paid online before the application counts as submitted; the desk decides with a reason the
person reads, and an approval issues the decision as a document."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registration.core.conf import app_settings
from registration.documents.models import DocumentKind
from registration.services import forms
from registration.services.base import Fee, RequiredScan, Result, Service, Step
from registration.services.models import ServiceApplication
from registration.services.people import holder_content
from validators import dates as vdates
from validators.scans import PhysicalSize


def fee_kopecks() -> int:
    return int(app_settings.RESIDENCE_PERMIT_FEE_KOPECKS)


class ResidencePermit(Service):
    code = "residence_permit"
    title = _("Residence permit")
    summary = _(
        "Questionnaires on your work, education and family; scans of your passport, migration card, an income "
        "statement and a medical certificate; the state fee, paid online. The migration office decides and "
        "you follow the status here."
    )
    steps = (
        Step("work", _("Your work"), forms.WorkForm),
        Step("education", _("Your education"), forms.EducationForm),
        Step("family", _("Your family members"), forms.FamilyForm),
        Step("scans", _("Scans of your documents"), forms.ScansForm),
    )
    scans = (
        RequiredScan("passport", _("Passport: the page with your photo"), PhysicalSize.ID3),
        RequiredScan("migration_card", _("Migration card"), PhysicalSize.A4),
        RequiredScan("income", _("Statement of income"), PhysicalSize.A4),
        RequiredScan("medical", _("Medical certificate"), PhysicalSize.A4),
    )
    fee = Fee(
        amount=fee_kopecks,
        legal_basis=_(
            "Tax Code of the Russian Federation, article 333.28, paragraph 1, subparagraph 18 "
            "(as amended from 01.01.2025)"
        ),
        description=_("State fee for a residence permit, application"),
    )

    def result(self, application: ServiceApplication, cleaned: dict[str, dict[str, Any]]) -> Result:
        today = timezone.localdate()
        content = {
            **holder_content(application.account),
            "decision": "approved",
            "decision_date": vdates.format(today),
            "application_number": application.number,
        }
        return Result(DocumentKind.RESIDENCE_PERMIT, today, None, content)


SERVICE = ResidencePermit()
