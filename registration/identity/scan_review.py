"""Review of the scans: a clerk compares the uploaded scans with the typed data (and the MRZ).

The clerk confirms, rejects, or requests further documents; the person sees the request in the
cabinet and uploads replacement scans (checked like the wizard's), and the review goes on.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django import forms
from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from registration.accounts.models import Account, Document
from registration.identity import flows
from registration.identity.base import ClerkDecision, Evidence, IdentityError, Method, Outcome
from registration.identity.models import IdentityConfirmation

# What a clerk records as compared; the first one is required to confirm.
CHECKS: dict[str, Any] = {
    "scans_match": _("The scans show the documents typed in the application"),
    "photo_clear": _("The photo and the text of the scans are clear"),
    "mrz_match": _("The MRZ agrees with the typed data"),
}
REQUIRED_CHECK = "scans_match"


class StartReviewForm(forms.Form):
    """No fields: the button asks for the review."""


def documents_with_scans(account: Account) -> list[Document]:
    return list(Document.objects.filter(applicant__account=account).exclude(scan=""))


class ScanReviewMethod(Method):
    code = "scan_review"
    label = _("Review of your document scans")
    description = _(
        "A clerk compares the scans you uploaded with your application. If something is unclear, you are "
        "asked for further documents here. It usually takes up to three working days."
    )
    template_name = "cabinet/identity/scan_review.html"
    decided_by_clerk = True
    person_forms: ClassVar[Mapping[str, type[forms.Form]]] = {"start": StartReviewForm}

    def is_available(self, account: Account) -> bool:
        return bool(documents_with_scans(account))

    def unavailable_reason(self, account: Account) -> str | Promise:
        if self.is_available(account):
            return ""
        return _(
            "A clerk reviews the scans of your documents, and your application has no scan of your identity "
            "document or your document of stay. Choose another way, for example a visit to a service centre."
        )

    def start(self, account: Account, *, request: HttpRequest | None = None, **data: Any) -> IdentityConfirmation:
        if not self.is_available(account):
            raise IdentityError("no_scans")
        return flows.open_confirmation(account, self.code, request=request)

    def complete(
        self,
        confirmation: IdentityConfirmation,
        evidence: Evidence,
        *,
        by: Account | None,
        request: HttpRequest | None = None,
    ) -> Outcome:
        flows.ensure_open(confirmation, self.code)
        if not isinstance(evidence, ClerkDecision) or by is None:
            raise IdentityError("wrong_method")
        checks = sorted(set(evidence.checks) & set(CHECKS))
        if REQUIRED_CHECK not in checks:
            raise IdentityError("originals_required")
        return flows.confirm(confirmation, by=by, request=request, details={"checks": checks}, reason=evidence.note)

    def cabinet_context(self, account: Account, confirmation: IdentityConfirmation | None) -> dict:
        return {"documents": documents_with_scans(account)}


METHOD = ScanReviewMethod()
