"""Consulate: an officer issues a code bound to a passport number; the person types it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from registration.accounts.models import AuditEvent
from registration.identity import consulate
from registration.identity.base import CodeEntry, IdentityError
from registration.identity.models import IdentityCode
from tests.registration.identity_fixtures import make_applicant, role_user

METHOD = consulate.METHOD
URL = reverse("registration:identity_method", args=["consulate"])
ISSUE = reverse("admin:identity_identitycode_issue_consulate")


def _code_for(number: str, officer) -> str:
    return consulate.issue_code(number, by=officer)[1]


def test_officer_issues_a_code_and_the_person_types_it(client, make_applicant, role_user):
    """The officer's form shows the code once; typed in the cabinet it activates the account."""
    officer = role_user("consul")
    applicant = make_applicant(passport_number="AB1234567")
    client.force_login(officer)
    response = client.post(ISSUE, {"passport_number": "ab 123-4567", "passport_checked": "on"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    code = response.context["code"]
    record = IdentityCode.objects.get()
    assert (record.purpose, record.subject_hint) == ("consulate", "*****4567")
    assert code not in record.code_hash and "AB1234567" not in record.subject
    event = AuditEvent.objects.get(action="consulate.code_issued")
    assert event.actor == officer and event.data["passport_last_digits"] == "4567"
    client.force_login(applicant.account)
    response = client.post(URL, {"action": "complete", "complete-code": code})
    assert response.status_code == 302
    applicant.account.refresh_from_db()
    assert applicant.account.status == "active"
    record.refresh_from_db()
    assert record.used_at is not None and record.account == applicant.account


def test_code_for_another_passport_does_not_work(make_applicant, role_user):
    """A code issued for another passport number gives no_code for this person."""
    applicant = make_applicant(passport_number="AB1234567")
    code = _code_for("XY7654321", role_user("consul"))
    confirmation = METHOD.start(applicant.account)
    with pytest.raises(IdentityError) as caught:
        METHOD.complete(confirmation, CodeEntry(code), by=applicant.account)
    assert caught.value.code == "no_code"


def test_wrong_code_counts_and_the_code_dies_after_five(make_applicant, role_user, settings):
    """Wrong entries count against the code; at the limit it is dead even for the right code."""
    settings.REGISTRATION_RATE_LIMITS = {"consulate_code": "100/10m"}
    applicant = make_applicant(passport_number="AB1234567")
    code = _code_for("AB1234567", role_user("consul"))
    confirmation = METHOD.start(applicant.account)
    wrong = "ZZZZZZZZZZ" if code != "ZZZZZZZZZZ" else "YYYYYYYYYY"
    codes = []
    for _ in range(5):
        with pytest.raises(IdentityError) as caught:
            METHOD.complete(confirmation, CodeEntry(wrong), by=applicant.account)
        codes.append(caught.value.code)
    assert codes == ["wrong_code"] * 4 + ["too_many_attempts"]
    with pytest.raises(IdentityError) as caught:
        METHOD.complete(confirmation, CodeEntry(code), by=applicant.account)
    assert caught.value.code == "too_many_attempts"


def test_expired_code(make_applicant, role_user):
    """A code older than 30 days is refused."""
    applicant = make_applicant(passport_number="AB1234567")
    code = _code_for("AB1234567", role_user("consul"))
    IdentityCode.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    confirmation = METHOD.start(applicant.account)
    with pytest.raises(IdentityError) as caught:
        METHOD.complete(confirmation, CodeEntry(code), by=applicant.account)
    assert caught.value.code == "code_expired"


def test_code_is_valid_thirty_days(role_user):
    """A new consulate code expires 30 days after issue."""
    _code_for("AB1234567", role_user("consul"))
    record = IdentityCode.objects.get()
    assert record.expires_at - record.created_at == timedelta(days=30)


def test_a_new_code_for_the_same_passport_replaces_the_old(make_applicant, role_user):
    """Issuing again revokes the earlier code for that passport."""
    officer = role_user("consul")
    applicant = make_applicant(passport_number="AB1234567")
    first = _code_for("AB1234567", officer)
    second = _code_for("AB1234567", officer)
    confirmation = METHOD.start(applicant.account)
    if first != second:
        with pytest.raises(IdentityError):
            METHOD.complete(confirmation, CodeEntry(first), by=applicant.account)
    assert METHOD.complete(confirmation, CodeEntry(second), by=applicant.account).activated


def test_rate_limit_answers_429(client, make_applicant, role_user):
    """Five wrong entries in 10 minutes, then the cabinet answers 429."""
    applicant = make_applicant(passport_number="AB1234567")
    code = _code_for("AB1234567", role_user("consul"))
    client.force_login(applicant.account)
    wrong = "ZZZZZZZZZZ" if code != "ZZZZZZZZZZ" else "YYYYYYYYYY"
    for _ in range(5):
        assert client.post(URL, {"action": "complete", "complete-code": wrong}).status_code == 200
    assert client.post(URL, {"action": "complete", "complete-code": code}).status_code == 429


def test_invalid_passport_number_is_refused_on_the_form(client, role_user):
    """The officer's form refuses a number that cannot be a passport number, and issues nothing."""
    client.force_login(role_user("consul"))
    response = client.post(ISSUE, {"passport_number": "12", "passport_checked": "on"})
    assert response.context["form"].has_error("passport_number")
    assert not IdentityCode.objects.exists()


def test_officer_sees_only_the_codes_they_issued(client, role_user):
    """The list of codes shows an officer's own codes, masked, never anyone else's."""
    officer = role_user("consul")
    other = role_user("consul", "other-consul@staff.example.org")
    _code_for("AB1234567", officer)
    _code_for("CD7654321", other)
    client.force_login(officer)
    page = client.get(reverse("admin:identity_identitycode_changelist")).content.decode()
    assert "*****4567" in page and "*****4321" not in page
    assert "AB1234567" not in page
