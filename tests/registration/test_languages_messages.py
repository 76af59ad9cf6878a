"""Every message to a person is written in the person's language, not in the language of whoever caused it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from registration.accounts.models import Account
from registration.codes import sms
from registration.core import mail as core_mail
from registration.identity import flows, post_letter, registry, service_centre, video_call
from registration.identity.base import ClerkDecision
from registration.identity.models import ServiceCentre, VideoSlot
from registration.onboarding.existing import tell_owner
from registration.support import desk
from registration.support.models import SupportRequest
from tests.registration.identity_fixtures import make_applicant, role_user

CYRILLIC = re.compile("[А-Яа-яЁё]")
ORIGINALS = {"originals": ["identity_document", "stay_document"]}


def _as_russian_clerk(client, role_user, role: str = "clerk") -> Account:
    """A staff member whose interface is Russian (the stored language and the cookie)."""
    clerk = role_user(role)
    Account.objects.filter(pk=clerk.pk).update(preferred_language="ru")
    client.force_login(clerk)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    return clerk


def _english(message) -> str:
    text = f"{message.subject}\n{message.body}"
    assert not CYRILLIC.search(text), text
    return text


def test_language_of_an_account_is_the_recorded_one_else_russian(make_account):
    """``language_of`` gives the recorded language, and Russian for none or one the site does not speak."""
    assert core_mail.language_of(make_account(preferred_language="en")) == "en"
    assert make_account(preferred_language="en").language == "en"
    assert core_mail.language_of(make_account(preferred_language="")) == "ru"
    assert core_mail.language_of(make_account(preferred_language="xx")) == "ru"
    assert core_mail.language_of(None) == "ru"


def test_russian_clerk_confirming_an_english_person_sends_english(client, make_applicant, role_user):
    """A clerk working in Russian confirms in the workspace: subject, body and the method's name are English."""
    centre = ServiceCentre.objects.create(name="МФЦ Тверской", region="77", city="Москва", address="ул. Тверская, 1")
    applicant = make_applicant(preferred_language="en")
    flows.open_confirmation(applicant.account, "service_centre", centre=centre)
    _as_russian_clerk(client, role_user)
    response = client.post(reverse("admin:identity_pendingapplication_confirm", args=[applicant.pk]), ORIGINALS)
    assert response.status_code == 302
    assert response.wsgi_request.LANGUAGE_CODE == "ru"  # the clerk's request really was Russian
    message = mail.outbox[-1]
    assert message.to == [applicant.account.email]
    assert message.subject == "Your identity is confirmed"
    assert "Your identity is confirmed (Visit a service centre)." in _english(message)


def test_english_clerk_confirming_a_russian_person_sends_russian(client, make_applicant, role_user):
    """The other way round: the method's Russian name, whatever the clerk's interface."""
    applicant = make_applicant(preferred_language="ru")
    flows.open_confirmation(applicant.account, "service_centre")
    clerk = role_user("clerk")
    Account.objects.filter(pk=clerk.pk).update(preferred_language="en")
    client.force_login(clerk)
    response = client.post(reverse("admin:identity_pendingapplication_confirm", args=[applicant.pk]), ORIGINALS)
    assert response.status_code == 302
    message = mail.outbox[-1]
    with translation.override("ru"):
        method = str(registry.label("service_centre"))
        assert message.subject == translation.gettext("Your identity is confirmed")
    assert method != "Visit a service centre" and f"({method})" in message.body


def test_a_person_without_a_recorded_language_gets_russian(make_applicant, role_user):
    """No language recorded (an account older than the field): Russian, the portal's own, not the clerk's."""
    applicant = make_applicant(preferred_language="")
    with translation.override("en"):
        flows.block(applicant.account, by=role_user("clerk"), reason="Проверка")
    with translation.override("ru"):
        assert mail.outbox[-1].subject == translation.gettext("Your account is blocked")


@pytest.mark.parametrize("action", ["reject", "documents_requested", "block", "unblock"])
def test_every_clerk_decision_reaches_an_english_person_in_english(make_applicant, role_user, action):
    """Rejection (with the method's name), a request for documents, blocking and unblocking: all English."""
    applicant = make_applicant(preferred_language="en")
    account = applicant.account
    clerk = role_user("clerk")
    confirmation = flows.open_confirmation(account, "scan_review")
    with translation.override("ru"):  # the clerk's request
        if action == "reject":
            flows.reject(confirmation, by=clerk, reason="Scan unreadable")
        elif action == "documents_requested":
            flows.request_documents(confirmation, by=clerk, message="A sharper scan, please")
        else:
            flows.block(account, by=clerk, reason="Checked")
            if action == "unblock":
                flows.unblock(Account.objects.get(pk=account.pk), by=clerk, reason="Checked again")
    text = _english(mail.outbox[-1])
    if action == "reject":
        with translation.override("en"):
            assert f"“{registry.label('scan_review')}”" in text


@override_settings(REGISTRATION_SERVICE_CENTRE_ISSUES_CODE=True)
def test_code_issued_at_a_centre_is_told_in_english_with_the_date(make_applicant, role_user):
    """The e-mail about a code handed over at a centre is English, its last day written DD.MM.YYYY."""
    applicant = make_applicant(preferred_language="en")
    confirmation = flows.open_confirmation(applicant.account, "service_centre")
    with translation.override("ru"):
        outcome = service_centre.METHOD.complete(
            confirmation, ClerkDecision(originals=("identity_document",)), by=role_user("clerk")
        )
    assert outcome.issued_code
    text = _english(mail.outbox[-1])
    until = timezone.localtime(timezone.now() + timedelta(days=7)).strftime("%d.%m.%Y")
    assert f"by {until}" in text


def test_letter_sent_by_a_russian_post_operator_is_told_in_english(make_applicant, role_user):
    """Marking a letter sent (the operator's action) e-mails the person in their language."""
    account = make_applicant(preferred_language="en").account
    post_letter.METHOD.start(account, postcode="101000", address="Moscow, Post office 1")
    operator = role_user("post")
    with translation.override("ru"):
        printed = post_letter.print_letters(account.post_letters.all(), by=operator)
        assert post_letter.mark_sent([printed[0].letter], by=operator) == 1
    assert "101000, Moscow, Post office 1" in _english(mail.outbox[-1])


def test_video_booking_names_the_time_zone_in_the_persons_language(make_applicant, role_user):
    """The booking e-mail gives the time with its zone: "… (Moscow time, UTC+3)"."""
    account = make_applicant(preferred_language="en").account
    starts = timezone.now().replace(microsecond=0) + timedelta(days=2)
    slot = VideoSlot.objects.create(operator=role_user("video"), starts_at=starts, duration_minutes=15)
    confirmation = video_call.METHOD.start(account)
    with translation.override("ru"):
        video_call.METHOD.book(confirmation, slot, request=None)
    text = _english(mail.outbox[-1])
    local = timezone.localtime(starts)
    assert f"booked for {local:%d.%m.%Y %H:%M} (Moscow time, UTC+3), 15 minutes" in text


def test_support_answer_reads_in_the_persons_language_status_included(make_account, role_user):
    """An operator working in Russian answers: the e-mail and the request's status are English."""
    account = make_account(preferred_language="en")
    support_request = SupportRequest.objects.create(account=account, subject="Help", channel="cabinet")
    with translation.override("ru"):
        desk.answer(support_request, by=role_user("support"), body="Проверьте папку «Спам».")
    message = mail.outbox[-1]
    assert "Status of the request" in message.body
    assert not CYRILLIC.search(message.subject)
    assert not CYRILLIC.search(message.body.replace("Проверьте папку «Спам».", ""))


def test_sms_to_an_account_is_rendered_in_its_language(make_account):
    """The SMS about a registration attempt goes in the owner's language, whatever the visitor's."""
    account = make_account(preferred_language="en", phone="+79161112233")
    sms.outbox.clear()
    with translation.override("ru"):
        tell_owner("phone", "", account.phone)
    assert sms.outbox[-1].to == "+79161112233"
    assert sms.outbox[-1].text.startswith("Someone tried to register")


def test_sms_render_collapses_white_space_in_the_given_language():
    """``sms.render`` writes one line in the language asked for."""
    with translation.override("en"):
        russian = sms.render("sms/phone_code.txt", {"code": "123456", "minutes": 10}, language="ru")
    assert "123456" in russian and CYRILLIC.search(russian) and "\n" not in russian


def test_log_in_code_sms_is_in_the_accounts_language(client, make_account):
    """A log-in code texted during a Russian-language log-in goes in the account's English."""
    from registration.accounts.models import LoginSecondFactor

    account = make_account(preferred_language="en", phone="+79162223344")
    LoginSecondFactor.objects.create(account=account)
    sms.outbox.clear()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    client.post(reverse("registration:login"), {"username": account.email, "password": "Correct-Horse-42"})
    assert sms.outbox, "no code was texted"
    assert sms.outbox[-1].text.startswith("Code ") and not CYRILLIC.search(sms.outbox[-1].text)
