"""A third service, declared here only: proof that a service is one module plus one line in the setting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from registration.documents.models import DocumentKind
from registration.services.base import Result, Service, Step
from registration.services.forms import ServiceForm
from registration.services.models import ServiceApplication
from validators.django import InnField


class EmployerForm(ServiceForm):
    inn = InnField(kind="company", label="Employer's INN")
    required_messages = {"inn": "Enter the employer's INN."}


class WorkNotice(Service):
    code = "work_notice"
    title = "Notice of employment"  # type: ignore[assignment]
    summary = "The employer's INN."  # type: ignore[assignment]
    steps = (Step("employer", "Who employs you?", EmployerForm),)  # type: ignore[arg-type]

    def result(self, application: ServiceApplication, cleaned: dict[str, dict[str, Any]]) -> Result:
        return Result(DocumentKind.RESIDENCE_PERMIT, timezone.localdate(), None, {"inn": cleaned["employer"]["inn"]})


SERVICE = WorkNotice()
_unused = forms
