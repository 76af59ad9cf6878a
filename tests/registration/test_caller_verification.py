"""Caller verification: "matches" or "does not match" only, a phone code read back, and locking after failures."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from registration.accounts.models import AuditEvent
from registration.codes import sms
from registration.codes.models import OneTimeCode
from registration.support import caller
from registration.support.models import CallerCheck, CallerVerificationAlert
from tests.registration.identity_fixtures import make_applicant, role_user

RIGHT = {
    "name": "Анна Мария Эрикссон",
    "birth_date": "12.08.1990",
    "identifier_kind": "passport",
    "identifier": "4567",
}


@pytest.fixture
def person(make_applicant):
    """ERIKSSON ANNA MARIA (ЭРИКССОН АННА МАРИЯ), born 12.08.1990, passport AB1234567, SNILS 112-233-445 95."""
    sms.outbox.clear()
    yield make_applicant("anna@example.org", phone="+79161234567")
    sms.outbox.clear()


@pytest.fixture
def operator(role_user, client):
    """A support operator who works in English (their stored language applies on every page)."""
    user = role_user("support")
    type(user).objects.filter(pk=user.pk).update(preferred_language="en")
    user.preferred_language = "en"
    client.force_login(user)
    return user


def url(name: str, account, *args) -> str:
    return reverse(f"admin:registration_caller{name}", args=[account.pk, *args])


def check(client, account, **changes):
    return client.post(url("_check", account), {**RIGHT, **changes}, follow=True)


def said(response) -> list[str]:
    """The messages shown on the page the action led to (each shown once)."""
    return [str(message) for message in response.context["messages"]]


def test_matching_caller_is_verified_and_nothing_stored_is_shown(client, person, operator):
    """Right facts in Cyrillic, another word order: "Matches", a verification for 15 minutes, audited without values."""
    page = client.get(url("", person.account)).content.decode()
    for secret in ("ERIKSSON", "ЭРИКССОН", "12.08.1990", "AB1234567", "1234567", "11223344595", "anna@example.org"):
        assert secret not in page
    response = check(client, person.account)
    assert response.redirect_chain == [(url("", person.account), 302)]
    assert said(response) == ["Matches."]
    verification = caller.verification(person.account, operator)
    assert verification is not None
    assert timedelta(minutes=14) < verification.verified_until - timezone.now() <= timedelta(minutes=15)
    event = AuditEvent.objects.get(action="caller.checked")
    assert event.actor == operator and event.account == person.account
    assert event.data == {"check": verification.pk, "facts": ["name", "birth_date", "passport"], "result": "match"}
    page = client.get(url("", person.account)).content.decode()
    assert "Caller verified until" in page and "1234567" not in page


@pytest.mark.parametrize(
    "facts",
    [
        {"name": "anna maria eriksson"},
        {"name": "ERIKSSON  Anna-Maria"},
        {"name": "эрикссон анна мария"},
        {"identifier_kind": "snils", "identifier": "112-233-445 95"},
        {"identifier_kind": "snils", "identifier": "4595"},
        {"identifier": "AB1234567"},
        {"identifier": "234567"},
    ],
)
def test_what_counts_as_a_match(client, person, operator, facts):
    """Names in either script, any case and order; the whole number or its last 4+ characters."""
    assert caller.matches(person, caller.CallerFacts(**{**_facts(), **facts})) is True


@pytest.mark.parametrize(
    "facts",
    [
        {"name": "Anna Eriksson"},
        {"name": "Anna Maria Eriksson Smith"},
        {"birth_date": date(1990, 8, 13)},
        {"birth_date": None},
        {"identifier": "4568"},
        {"identifier": "567"},
        {"identifier": "XAB1234567"},
        {"identifier_kind": "inn", "identifier": "2259"},
        {"identifier_kind": "driving_licence", "identifier": "4567"},
        {"name": ""},
    ],
)
def test_what_does_not_match(person, facts):
    """A missing given name, another birth date, wrong or too few characters, or an empty stored number fail."""
    assert caller.matches(person, caller.CallerFacts(**{**_facts(), **facts})) is False


def _facts() -> dict:
    return {
        "name": "Anna Maria Eriksson",
        "birth_date": date(1990, 8, 12),
        "identifier_kind": "passport",
        "identifier": "4567",
    }


def test_not_matching_caller_gets_only_does_not_match(client, person, operator):
    """A wrong fact answers "Does not match", without telling which; no verification, the failure audited."""
    response = check(client, person.account, birth_date="13.08.1990")
    assert said(response) == ["Does not match."]
    assert caller.verification(person.account, operator) is None
    assert AuditEvent.objects.get(action="caller.checked").data["result"] == "mismatch"
    assert CallerCheck.objects.get().matched is False


def test_three_failures_in_an_hour_lock_verification_and_alert_a_supervisor(client, person, operator, role_user):
    """The third failure locks checks of the account (even right ones), closes open verifications, raises one alert."""
    other = role_user("support", "second@staff.example.org")
    caller.check_data(person.account, caller.CallerFacts(**_facts()), operator=other)
    assert caller.verification(person.account, other) is not None
    check(client, person.account, identifier="0000")
    check(client, person.account, identifier="1111")
    response = check(client, person.account, identifier="2222")
    assert said(response)[-1] == caller.MESSAGES["locked"]
    alert = CallerVerificationAlert.objects.get()
    assert alert.account == person.account and alert.operator == operator and alert.failures == 3
    assert caller.verification(person.account, other) is None
    assert AuditEvent.objects.filter(action="caller.locked", account=person.account).count() == 1

    response = check(client, person.account)
    assert said(response) == [caller.MESSAGES["locked"]]
    assert CallerCheck.objects.filter(matched=True).count() == 1  # only the other operator's earlier match
    assert "Locked after failed checks" in client.get(url("", person.account)).content.decode()

    # An hour later the oldest failure has aged out: checks are possible again.
    CallerCheck.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    assert said(check(client, person.account)) == ["Matches."]


def test_failures_of_another_account_do_not_lock_this_one(client, person, operator, make_applicant):
    """The limit counts per account."""
    other = make_applicant()
    for digits in ("0000", "1111", "2222"):
        check(client, other.account, identifier=digits)
    assert caller.locked_until(other.account) is not None
    assert caller.locked_until(person.account) is None
    assert said(check(client, person.account)) == ["Matches."]


def test_phone_code_read_back_verifies_when_required(client, person, operator, settings):
    """With the code required, a data match waits for the texted code; the right code verifies the caller."""
    settings.REGISTRATION_CALLER_CODE_REQUIRED = True
    check(client, person.account)
    assert caller.verification(person.account, operator) is None
    response = client.post(url("_send_code", person.account), follow=True)
    assert response.redirect_chain and sms.outbox[-1].to == "+79161234567"
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    assert code not in client.get(url("", person.account)).content.decode()
    assert OneTimeCode.objects.get(purpose="caller").code_hash != code

    response = client.post(url("_code", person.account), {"code": code}, follow=True)
    assert said(response) == ["The code matches."]
    assert caller.verification(person.account, operator) is not None
    assert AuditEvent.objects.get(action="caller.code_checked").data["result"] == "match"


def test_a_wrong_phone_code_is_a_failed_check(client, person, operator):
    """A wrong code read back counts towards the lock; the code cannot be used after it expires."""
    check(client, person.account)
    client.post(url("_send_code", person.account), follow=True)
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    wrong = "000000" if code != "000000" else "111111"
    assert said(client.post(url("_code", person.account), {"code": wrong}, follow=True)) == ["The code does not match."]
    assert len(caller.recent_failures(person.account)) == 1
    OneTimeCode.objects.filter(purpose="caller").update(expires_at=timezone.now() - timedelta(seconds=1))
    assert said(client.post(url("_code", person.account), {"code": code}, follow=True)) == [
        caller.MESSAGES["code_expired"]
    ]


def test_no_code_without_a_data_match(client, person, operator):
    """A code is sent only after the caller's data matched, and never to an account without a phone."""
    assert said(client.post(url("_send_code", person.account), follow=True)) == [caller.MESSAGES["not_verified"]]
    assert not sms.outbox


def test_codes_to_one_phone_are_rate_limited(client, person, operator, settings):
    """Codes to one account's phone are limited per hour."""
    settings.REGISTRATION_RATE_LIMITS = {"caller_code_account": "1/1h"}
    check(client, person.account)
    client.post(url("_send_code", person.account), follow=True)
    assert said(client.post(url("_send_code", person.account), follow=True)) == [caller.MESSAGES["rate_limited"]]
    assert len(sms.outbox) == 1


def test_checks_by_one_operator_are_rate_limited(client, person, operator, settings):
    """An operator cannot sweep accounts: checks per operator are limited."""
    settings.REGISTRATION_RATE_LIMITS = {"caller_check_operator": "1/1h"}
    check(client, person.account)
    assert said(check(client, person.account)) == [caller.MESSAGES["rate_limited"]]
    assert CallerCheck.objects.count() == 1


def test_staff_accounts_are_never_verified(client, operator, role_user):
    """The desk does not open for a clerk's account (so support cannot reset a clerk's password)."""
    clerk = role_user("clerk")
    assert client.get(url("", clerk)).status_code == 404
    assert client.post(url("_check", clerk), RIGHT).status_code == 404


def test_search_finds_the_account_exactly(client, person, operator):
    """The search page leads to the caller page by application number, e-mail or phone, and nothing else."""
    search = reverse("admin:registration_caller_search")
    for term in (person.application_number, "Anna@Example.org", "+7 916 123-45-67"):
        response = client.post(search, {"term": term})
        assert response.status_code == 302 and response["Location"] == url("", person.account)
    response = client.post(search, {"term": "Eriksson"})
    assert response.status_code == 200 and response.context["form"].errors.as_data()["term"][0].code == "not_found"


def test_invalid_check_form_shows_errors_and_records_nothing(client, person, operator):
    """Missing facts are errors beside the fields; no check is recorded and nothing counts as a failure."""
    response = client.post(url("_check", person.account), {**RIGHT, "identifier": "45", "birth_date": "1990-08-12"})
    assert response.status_code == 400
    errors = response.context["check_form"].errors.as_data()
    assert errors["identifier"][0].code == "identifier_too_short" and "birth_date" in errors
    assert not CallerCheck.objects.exists()


def test_supervisor_deals_with_an_alert(client, person, make_account):
    """A support supervisor marks an alert dealt with (audited); a plain operator cannot see alerts."""
    from django.contrib.auth.models import Group

    alert = CallerVerificationAlert.objects.create(account=person.account, failures=3, locked_until=timezone.now())
    supervisor = make_account("chief@staff.example.org", is_staff=True, phone=None)
    supervisor.groups.add(Group.objects.get(name="Support supervisors"))
    client.force_login(supervisor)
    response = client.post(
        reverse("admin:support_callerverificationalert_changelist"),
        {"action": "acknowledge", "_selected_action": [alert.pk], "index": 0},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == supervisor and alert.acknowledged_at is not None
    assert AuditEvent.objects.filter(action="caller.alert_acknowledged", actor=supervisor).exists()
