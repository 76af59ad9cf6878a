"""Mobile identification (a code to the number on the migration record) and confirmation without a clerk by rule."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from registration.accounts.models import Account, AuditEvent
from registration.codes import sms
from registration.identity import automatic, registry
from registration.identity.base import IdentityError
from registration.identity.mobile_id import METHOD
from registration.identity.models import ConfirmationState, IdentityConfirmation
from registration.registries import flows as registry_checks
from registration.registries.models import RegistryCheck
from tests.registration.identity_fixtures import make_applicant
from tests.registration.registries_fixtures import submit_application

PAGE = reverse("registration:identity_method", args=["mobile_id"])
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_outbox():
    sms.outbox.clear()


def sent_code(to: str) -> str:
    texts = [message.text for message in sms.outbox if message.to == to]
    assert texts, f"no text message to {to}"
    return re.search(r"\b(\d{6})\b", texts[-1]).group(1)


def post(client, action: str, **data):
    return client.post(PAGE, {"action": action, **{f"{action}-{k}": v for k, v in data.items()}})


def test_without_a_number_on_record_the_method_is_not_available(client, make_applicant):
    applicant = make_applicant()
    client.force_login(applicant.account)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This way is not available for your application" in page
    assert not METHOD.is_available(applicant.account)
    with pytest.raises(IdentityError) as refused:
        METHOD.start(applicant.account)
    assert refused.value.code == "no_number_on_record"
    assert sms.outbox == []


def test_the_code_goes_to_the_number_on_record_and_confirms_by_rule(client, registry_simulator, submit_application):
    """The MVD confirms the passport; the person proves the record's number: active, no clerk."""
    applicant = submit_application(2)  # typed +79160000002; the migration record holds +79161234567
    account = applicant.account
    client.force_login(account)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "+7916***4567" in page and "+79161234567" not in page
    assert post(client, "start").status_code == 302
    assert [message.to for message in sms.outbox] == ["+79161234567"]  # never the typed number
    response = post(client, "complete", code=sent_code("+79161234567"))
    assert response.status_code == 302 and response["Location"] == reverse("registration:cabinet")
    account = Account.objects.get(pk=account.pk)
    assert account.is_confirmed
    confirmation = IdentityConfirmation.objects.get(account=account, method="mobile_id")
    assert confirmation.state == ConfirmationState.CONFIRMED
    assert confirmation.details["automatic_rule"] == "mvd_document_and_migration_phone"
    assert confirmation.decided_by is None
    event = AuditEvent.objects.get(account=account, action="identity.confirmed")
    # No clerk decided: the rule did, on the person's own request (the audit's actor).
    assert event.data["automatic_rule"] == "mvd_document_and_migration_phone" and event.actor == account
    assert AuditEvent.objects.filter(account=account, action="identity.mobile_proven").exists()


def test_a_wrong_code_is_refused_and_counted(client, registry_simulator, submit_application):
    applicant = submit_application()
    client.force_login(applicant.account)
    post(client, "start")
    right = sent_code("+79161234567")
    wrong = "000000" if right != "000000" else "111111"
    page = post(client, "complete", code=wrong)
    assert page.status_code == 200
    assert applicant.account.__class__.objects.get(pk=applicant.account.pk).is_pending
    assert AuditEvent.objects.filter(account=applicant.account, action="identity.refused").exists()


def test_another_code_only_after_the_cooldown(client, registry_simulator, submit_application):
    applicant = submit_application()
    client.force_login(applicant.account)
    post(client, "start")
    page = post(client, "resend").content.decode()
    assert len(sms.outbox) == 1
    assert "seconds" in page or "через" in page


def test_without_the_mvd_confirmation_a_clerk_decides_until_the_registry_answers(
    client, registry_simulator, submit_application, settings
):
    """The passport check waits on a registry that is down: the proof is kept; the late answer confirms by rule."""
    settings.REGISTRATION_REGISTRY_RETRIES = 0
    settings.REGISTRATION_REGISTRY_BREAKER_FAILURES = 100
    applicant = submit_application()
    RegistryCheck.objects.filter(applicant=applicant, question="identity_document").update(
        outcome="unavailable", next_check_at=timezone.now(), answered_at=None
    )
    client.force_login(applicant.account)
    post(client, "start")
    response = post(client, "complete", code=sent_code("+79161234567"))
    assert response.status_code == 302
    account = Account.objects.get(pk=applicant.account.pk)
    assert account.is_pending
    confirmation = IdentityConfirmation.objects.get(account=account, method="mobile_id")
    assert confirmation.details["mobile_proven"] and confirmation.state == ConfirmationState.IN_PROGRESS
    assert "Your mobile number is confirmed" in client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # The registry answers on the next round: the rule now holds, and the account is confirmed.
    assert registry_checks.recheck_due(timezone.now() + timedelta(seconds=1)) == 1
    assert Account.objects.get(pk=account.pk).is_confirmed


def test_an_expired_passport_never_confirms_by_rule(registry_simulator, submit_application):
    applicant = submit_application()
    RegistryCheck.objects.filter(applicant=applicant, question="identity_document").update(outcome="no_match")
    confirmation = METHOD.start(applicant.account)
    METHOD.complete(confirmation, METHOD.evidence_from_form("complete", {"code": sent_code("+79161234567")}), by=None)
    assert Account.objects.get(pk=applicant.account.pk).is_pending
    assert automatic.matching_rule(IdentityConfirmation.objects.get(pk=confirmation.pk)) is None


def test_rules_switched_off_leave_every_decision_to_a_clerk(registry_simulator, submit_application, settings):
    settings.REGISTRATION_AUTOMATIC_CONFIRMATION_RULES = []
    applicant = submit_application()
    confirmation = METHOD.start(applicant.account)
    METHOD.complete(confirmation, METHOD.evidence_from_form("complete", {"code": sent_code("+79161234567")}), by=None)
    assert Account.objects.get(pk=applicant.account.pk).is_pending


def test_the_method_is_registered_and_offered():
    assert registry.get("mobile_id") is METHOD
    assert "mobile_id" in {method.code for method in registry.offered_methods()}
