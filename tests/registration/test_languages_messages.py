"""Every message to a person is written in the person's language, not in the language of whoever caused it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
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


# --- the language setting in the cabinet -------------------------------------------------------------

LANGUAGE_PAGE = reverse("registration:language")


def test_person_sets_their_language_in_the_cabinet(client, make_applicant, role_user):
    """Choosing English on the settings page records it, switches the site, and later clerks' e-mails follow it."""
    applicant = make_applicant(preferred_language="ru")
    client.force_login(applicant.account)
    page = client.get(LANGUAGE_PAGE).content.decode()
    assert 'value="ru" id="id_language_0" required checked' in page
    assert 'value="en" id="id_language_1" required>' in page
    response = client.post(LANGUAGE_PAGE, {"language": "en"})
    assert response.status_code == 302 and response["Location"] == f"{LANGUAGE_PAGE}?saved=1"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert Account.objects.get(pk=applicant.account_id).preferred_language == "en"
    assert "Your language is saved." in client.get(response["Location"]).content.decode()
    with translation.override("ru"):
        flows.block(Account.objects.get(pk=applicant.account_id), by=role_user("clerk"), reason="Checked")
    assert mail.outbox[-1].subject == "Your account is blocked"


def test_a_language_the_site_does_not_speak_is_refused_on_the_field(client, make_account):
    """A tampered choice gets the field's error and changes nothing."""
    account = make_account(preferred_language="ru")
    client.force_login(account)
    response = client.post(LANGUAGE_PAGE, {"language": "xx"})
    assert response.status_code == 200
    assert response.context["form"].has_error("language", "invalid_choice")
    assert client.post(LANGUAGE_PAGE, {}).context["form"].has_error("language", "required")
    assert Account.objects.get(pk=account.pk).preferred_language == "ru"


def test_language_page_needs_a_log_in(client, db):
    """An anonymous visitor is sent to log in."""
    response = client.get(LANGUAGE_PAGE)
    assert response.status_code == 302 and reverse("registration:login") in response["Location"]


def test_your_details_names_the_language_of_messages(client, make_applicant):
    """The profile page shows the recorded language, in its own name, with a link to change it."""
    applicant = make_applicant(preferred_language="en")
    client.force_login(applicant.account)
    page = client.get(reverse("registration:profile")).content.decode()
    assert "Language of your messages" in page and '<dd lang="en">English</dd>' in page
    assert f'href="{LANGUAGE_PAGE}"' in page


# --- times with their zone ---------------------------------------------------------------------------


def test_utc_offsets_and_zone_names():
    """Offsets in hours (minutes when needed), translated zone names, the key for an unnamed zone."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from registration.core import timezones

    moment = datetime(2026, 12, 10, 7, 0, tzinfo=UTC)
    assert timezones.utc_offset(moment.astimezone(ZoneInfo("Europe/Moscow"))) == "UTC+3"
    assert timezones.utc_offset(moment.astimezone(ZoneInfo("Asia/Kolkata"))) == "UTC+5:30"
    assert timezones.utc_offset(moment.astimezone(ZoneInfo("America/New_York"))) == "UTC-5"
    assert timezones.utc_offset(moment) == "UTC"
    with translation.override("en"):
        assert timezones.with_zone(moment) == "10.12.2026 10:00 (Moscow time, UTC+3)"
        assert timezones.with_zone(moment, "H:i", ZoneInfo("Asia/Kolkata")) == "12:30 (Asia/Kolkata, UTC+5:30)"
    with translation.override("ru"):
        assert timezones.with_zone(moment, "H:i") == "10:00 (московское время, UTC+3)"


def test_video_slots_in_the_cabinet_name_the_time_zone(client, make_applicant, role_user):
    """Each free slot and the booked call read "DD.MM.YYYY HH:MM (Moscow time, UTC+3)"."""
    applicant = make_applicant(preferred_language="en")
    starts = timezone.now().replace(second=0, microsecond=0) + timedelta(days=3)
    operator = role_user("video")
    slots = [
        VideoSlot.objects.create(operator=operator, starts_at=starts + timedelta(hours=n), duration_minutes=20)
        for n in range(2)
    ]
    confirmation = video_call.METHOD.start(applicant.account)
    client.force_login(applicant.account)
    url = reverse("registration:identity_method", args=["video_call"])
    page = client.get(url).content.decode()
    first = timezone.localtime(slots[0].starts_at)
    assert f"{first:%d.%m.%Y %H:%M} (Moscow time, UTC+3)" in page
    video_call.METHOD.book(confirmation, slots[1], request=None)
    page = client.get(url).content.decode()
    booked = timezone.localtime(slots[1].starts_at)
    assert f"<strong>{booked:%d.%m.%Y %H:%M} (Moscow time, UTC+3)</strong>" in page


def test_password_reset_e_mail_is_in_the_accounts_language(client, make_account):
    """Asked for from a Russian page, the reset e-mail of an English-speaking account is English."""
    account = make_account("anna@example.org", preferred_language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.post(reverse("registration:password_reset"), {"email": account.email})
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert message.to == [account.email]
    assert "reset the password" in message.body and not CYRILLIC.search(message.subject)


def test_profile_notice_to_the_old_address_is_in_the_accounts_language(make_account):
    """The notice of a changed e-mail goes to the old address, in the account's language."""
    from registration.profile.flows.common import tell

    account = make_account("new@example.org", preferred_language="en")
    with translation.override("ru"):
        tell(account, "profile_email_changed", "old@example.org", {"new_address": "n***@example.org"})
    message = mail.outbox[-1]
    assert message.to == ["old@example.org"]
    assert "was changed to n***@example.org" in _english(message)


def test_contact_code_resent_by_a_support_operator_is_in_the_accounts_language(make_account):
    """A code for a new e-mail address, resent from the caller desk in Russian, reads in the person's English."""
    from registration.codes.models import CodePurpose, OneTimeCode
    from registration.profile.flows.contacts import resend_contact_code, start_contact_change

    account = make_account("anna@example.org", preferred_language="en")
    with translation.override("en"):
        start_contact_change(account, CodePurpose.EMAIL, "anna.new@example.org")
    cache.clear()  # the rate limits and the resend cool-down are not what this test is about
    OneTimeCode.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    with translation.override("ru"):
        resend_contact_code(account, CodePurpose.EMAIL)
    message = mail.outbox[-1]
    assert message.to == ["anna.new@example.org"]
    assert "change the e-mail address of your account" in _english(message)
