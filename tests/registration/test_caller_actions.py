"""What an operator may do for a verified caller, and who may do it."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from registration.accounts.models import Account, AuditEvent
from registration.codes.models import CodePurpose
from registration.profile import flows as profile_flows
from registration.support import caller
from registration.support.models import SupportMessage, SupportRequest
from tests.registration.identity_fixtures import ROLES, make_applicant, role_user, superuser

PASSWORD = "Correct-Horse-42"
FACTS = caller.CallerFacts(name="Anna Maria Eriksson", birth_date=None, identifier_kind="passport", identifier="4567")


@pytest.fixture
def person(make_applicant):
    applicant = make_applicant("anna@example.org", phone="+79160001122")
    mail.outbox.clear()
    return applicant.account


@pytest.fixture
def operator(role_user, client):
    """A support operator who works in English (their stored language applies on every page)."""
    user = role_user("support")
    type(user).objects.filter(pk=user.pk).update(preferred_language="en")
    user.preferred_language = "en"
    client.force_login(user)
    return user


def verify(account: Account, operator: Account) -> None:
    from datetime import date

    facts = caller.CallerFacts(**{**FACTS.__dict__, "birth_date": date(1990, 8, 12)})
    assert caller.check_data(account, facts, operator=operator).verified


def url(name: str, account: Account, *args) -> str:
    return reverse(f"admin:registration_caller_{name}", args=[account.pk, *args])


def said(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def fail_logins(username: str, times: int = 5) -> None:
    anonymous = Client()
    for _ in range(times):
        anonymous.post(reverse("registration:login"), {"username": username, "password": "wrong"})


def test_lifting_a_lockout_lets_the_person_log_in_again(client, person, operator):
    """After five wrong passwords (typed as the phone) the account is locked; the verified caller's lock is lifted."""
    fail_logins("+7 916 000-11-22")
    assert caller.login_locked(person)
    AccessAttempt.objects.create(username="+79160001122", ip_address="10.0.0.9", failures_since_start=5)
    verify(person, operator)
    assert "Lift the lockout" in client.get(reverse("admin:registration_caller", args=[person.pk])).content.decode()
    response = client.post(url("lift_lockout", person), follow=True)
    assert said(response) == ["Failed log-ins are forgotten: the person can log in again."]
    assert not AccessAttempt.objects.filter(username__in=["anna@example.org", "+79160001122"]).exists()
    assert not caller.login_locked(person)
    response = Client().post(reverse("registration:login"), {"username": "anna@example.org", "password": PASSWORD})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="caller.lockout_lifted")
    assert event.actor == operator and event.data["records"] >= 2


def test_failures_from_several_addresses_show_as_locked(person):
    """Five failures against the account from five addresses (one each) show on the desk as a lock."""
    for number in range(5):
        AccessAttempt.objects.create(username="anna@example.org", ip_address=f"10.0.0.{number}", failures_since_start=1)
    assert caller.login_locked(person)


def test_resending_the_code_of_a_contact_change(client, person, operator, settings):
    """The code of the e-mail change the person started goes again to the new address, not to the operator."""
    settings.REGISTRATION_CODE_RESEND_COOLDOWN = 0
    profile_flows.start_contact_change(person, CodePurpose.EMAIL, "anna.new@example.org")
    first = re.search(r"\b(\d{6})\b", mail.outbox[-1].subject).group(1)
    verify(person, operator)
    response = client.post(url("resend", person, "email"), follow=True)
    assert said(response) == ["The code was sent again to the new contact the person gave."]
    assert mail.outbox[-1].to == ["anna.new@example.org"]
    second = re.search(r"\b(\d{6})\b", mail.outbox[-1].subject).group(1)
    page = response.content.decode()
    assert first not in page and second not in page
    assert AuditEvent.objects.get(action="caller.contact_code_resent").data == {"contact": "email", "outcome": "sent"}


def test_resend_without_a_contact_change_does_nothing(client, person, operator):
    """With no change waiting for a code, nothing is sent."""
    verify(person, operator)
    response = client.post(url("resend", person, "phone"), follow=True)
    assert said(response) == [caller.MESSAGES["nothing_to_resend"]]
    assert not mail.outbox


def test_password_reset_link_goes_to_the_account_email_only(client, person, operator):
    """The reset link is e-mailed to the account's own address; the operator's page never holds it."""
    verify(person, operator)
    response = client.post(url("password_reset", person), follow=True)
    assert said(response) == ["A password reset link was sent to the account's own e-mail address."]
    message = mail.outbox[-1]
    assert message.to == ["anna@example.org"]
    link = re.search(r"https?://\S+/account/password-reset/(\S+)/(\S+)/", message.body)
    assert link is not None
    assert link.group(2) not in response.content.decode()
    assert operator.email not in message.to
    event = AuditEvent.objects.get(action="caller.password_reset_sent")
    assert event.actor == operator and event.data == {}
    new_password = "Another-Horse-43"
    reset = Client()
    page = reset.get(link.group(0), follow=True)
    reset.post(page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert Account.objects.get(pk=person.pk).check_password(new_password)


def test_internal_note_during_a_verified_call(client, person, operator):
    """The note joins the request as internal: support reads it, the person never does."""
    support = SupportRequest.objects.create(account=person, subject="Locked out")
    verify(person, operator)
    response = client.post(
        url("note", person), {"support_request": support.pk, "body": "Verified by phone; lockout lifted."}, follow=True
    )
    assert said(response) == ["Note added to the request."]
    note = SupportMessage.objects.get(request=support)
    assert note.internal and note.author == operator
    person_client = Client()
    person_client.force_login(person)
    page = person_client.get(reverse("registration:support_detail", args=[support.number])).content.decode()
    assert "lockout lifted" not in page


def test_a_note_goes_only_on_the_callers_own_requests(client, person, operator, make_applicant):
    """Another account's request cannot be chosen for the note."""
    other = SupportRequest.objects.create(account=make_applicant().account, subject="Other")
    verify(person, operator)
    response = client.post(url("note", person), {"support_request": other.pk, "body": "x"})
    assert response.status_code == 400
    assert not SupportMessage.objects.exists()


@pytest.mark.parametrize(
    ("name", "args"), [("lift_lockout", ()), ("resend", ("email",)), ("password_reset", ()), ("note", ())]
)
def test_actions_need_a_verified_caller(client, person, operator, name, args):
    """Without a matching check by this operator, every action is refused and nothing happens."""
    support = SupportRequest.objects.create(account=person, subject="x")
    profile_flows.start_contact_change(person, CodePurpose.EMAIL, "anna.new@example.org")
    sent = len(mail.outbox)
    fail_logins("anna@example.org")
    response = client.post(url(name, person, *args), {"support_request": support.pk, "body": "note"}, follow=True)
    assert said(response) == [caller.MESSAGES["not_verified"]]
    assert len(mail.outbox) == sent and caller.login_locked(person)
    assert not SupportMessage.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["caller.lockout_lifted", "caller.password_reset_sent"]).exists()


def test_verification_belongs_to_one_operator_and_expires(client, person, operator, role_user, settings):
    """Another operator's verification does not count, and a verification ends after its minutes."""
    from datetime import timedelta

    from django.utils import timezone

    from registration.support.models import CallerCheck

    verify(person, role_user("support", "second@staff.example.org"))
    response = client.post(url("password_reset", person), follow=True)
    assert said(response) == [caller.MESSAGES["not_verified"]]
    verify(person, operator)
    CallerCheck.objects.update(verified_until=timezone.now() - timedelta(seconds=1))
    response = client.post(url("password_reset", person), follow=True)
    assert said(response) == [caller.MESSAGES["not_verified"]]
    assert not mail.outbox


# --- permissions -------------------------------------------------------------------------------------

ENDPOINTS = [
    ("search", "get"),
    ("page", "get"),
    ("check", "post"),
    ("send_code", "post"),
    ("code", "post"),
    ("lift_lockout", "post"),
    ("resend", "post"),
    ("password_reset", "post"),
    ("note", "post"),
    ("add_request", "get"),
]


def request_for(name: str, account: Account) -> tuple[str, dict]:
    if name == "search":
        return reverse("admin:registration_caller_search"), {}
    if name == "page":
        return reverse("admin:registration_caller", args=[account.pk]), {}
    if name == "add_request":
        return reverse("admin:support_supportrequest_add"), {}
    if name == "resend":
        return url("resend", account, "email"), {}
    data = {
        "check": {"name": "x", "birth_date": "01.01.1990", "identifier_kind": "passport", "identifier": "0000"},
        "code": {"code": "123456"},
        "note": {"body": "x"},
    }.get(name, {})
    return url(name, account), data


@pytest.mark.parametrize("role", [*ROLES, "supervisor"])
@pytest.mark.parametrize(("name", "method"), ENDPOINTS, ids=[name for name, _ in ENDPOINTS])
def test_only_support_roles_reach_the_caller_desk(client, person, role_user, make_account, role, name, method):
    """Support operators and supervisors reach every caller endpoint; every other role gets 403."""
    if role == "supervisor":
        user = make_account("chief@staff.example.org", is_staff=True, phone=None)
        user.groups.add(Group.objects.get(name="Support supervisors"))
        user = Account.objects.get(pk=user.pk)
    else:
        user = role_user(role)
    client.force_login(user)
    path, data = request_for(name, person)
    response = client.post(path, data) if method == "post" else client.get(path)
    if role in ("support", "supervisor"):
        assert response.status_code in (200, 302, 400), (role, name, response.status_code)
    else:
        assert response.status_code == 403, (role, name, response.status_code)


def test_superuser_reaches_the_caller_desk(client, person, superuser):
    """Superusers may use the desk too."""
    client.force_login(superuser)
    assert client.get(reverse("admin:registration_caller", args=[person.pk])).status_code == 200


@pytest.mark.parametrize("name", ["check", "lift_lockout", "password_reset", "note"])
def test_caller_actions_refuse_get(client, person, operator, name):
    """Every action answers POST only."""
    assert client.get(url(name, person)).status_code == 405


def test_caller_actions_need_the_csrf_token(person, operator):
    """Without the CSRF token a check is refused and nothing is recorded."""
    from registration.support.models import CallerCheck

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(operator)
    response = strict.post(url("check", person), {"name": "x", "birth_date": "01.01.1990"})
    assert response.status_code == 403
    assert not CallerCheck.objects.exists()


def test_operators_do_not_see_the_supervisors_alerts(client, operator):
    """The alerts list is for supervisors (and superusers) only."""
    assert client.get(reverse("admin:support_callerverificationalert_changelist")).status_code == 403
