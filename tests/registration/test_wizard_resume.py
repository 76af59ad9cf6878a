"""Save and continue later: the draft kept on the server, the e-mailed link, the code in another browser,
a lost session explained."""

from __future__ import annotations

import email
import re
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registration.accounts.models import AuditEvent
from registration.codes import sms
from registration.codes.models import CodePurpose, OneTimeCode
from registration.onboarding import resume
from registration.onboarding import steps as S
from registration.onboarding.models import SavedDraft


class Collect(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[email.message.Message] = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


@pytest.fixture
def smtp_server(settings):
    """Starts an aiosmtpd server on 127.0.0.1 and points Django's SMTP backend at it (when called)."""
    controllers = []

    def start() -> Collect:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        handler = Collect()
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        return handler

    yield start
    for controller in controllers:
        controller.stop()


def text_of(message) -> tuple[str, str]:
    subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            return subject, part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    return subject, ""


LINK = re.compile(r"https?://[^/\s]+(/register/continue/[A-Za-z0-9_-]{43}/)")


def latest_link() -> str:
    return LINK.search(mail.outbox[-1].body).group(1)


def save_later(wizard, step, data=None, files=None):
    body = wizard.payload(step, data, files)
    body["save_later"] = "1"
    return wizard.client.post(wizard.url(step), body)


def raw_data(pk: int) -> str:
    """The ``data`` column as stored (the model decrypts it when read)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM onboarding_saveddraft WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def lose_session(client: Client) -> None:
    """The session ends (expired on the server): the browser keeps its other cookies."""
    client.session.flush()
    client.cookies.pop(settings.SESSION_COOKIE_NAME, None)


def test_the_draft_is_kept_encrypted_on_the_server_once_the_email_is_confirmed(wizard, client):
    wizard.run_until(S.EMAIL_CODE)
    assert not SavedDraft.objects.exists()  # nothing before the e-mail is confirmed
    assert "save_later" not in wizard.get(S.PHONE_CODE).content.decode()
    wizard.answer(S.EMAIL_CODE)
    saved = SavedDraft.objects.get()
    assert saved.expires_at - timezone.now() > timedelta(days=29)
    raw = raw_data(saved.pk)
    assert "anna@example.org" not in raw and raw.startswith("gAAAAA")  # a Fernet token
    assert 'name="save_later"' in wizard.get(S.PERSONAL).content.decode()
    # The browser got the handle (a signed cookie); the database only its keyed hash.
    handle = client.cookies[resume.HANDLE_COOKIE].value
    assert handle and resume.HANDLE_COOKIE and saved.handle_hash not in handle
    wizard.answer(S.PERSONAL)
    assert "Eriksson" in resume.load(SavedDraft.objects.get())["step_data"][S.PERSONAL]["personal-surname"]


@pytest.mark.parametrize("language", ["en", "ru"])
def test_save_and_continue_later_emails_a_link_in_the_persons_language(wizard, client, smtp_server, language):
    wizard.run_until(S.PERSONAL)
    smtp = smtp_server()  # the codes went to the test outbox; the link goes over SMTP
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = save_later(wizard, S.PERSONAL, {**wizard.answers[S.PERSONAL], "birth_place": ""})
    assert response.status_code == 302 and response["Location"] == reverse("registration:wizard_saved")
    page = client.get(response["Location"])
    assert "a***@example.org" in page.content.decode()

    assert len(smtp.messages) == 1
    subject, body = text_of(smtp.messages[0])
    assert smtp.messages[0]["To"] == "anna@example.org"
    expected = "Continue your registration" if language == "en" else "Продолжите регистрацию"
    assert expected in subject
    token = LINK.search(body).group(1).split("/")[-2]
    saved = SavedDraft.objects.get()
    assert token not in saved.link_hash and saved.link_hash == resume.link_digests(token)[0]
    assert "anna" not in LINK.search(body).group(0)
    assert AuditEvent.objects.filter(action="wizard.resume_link_sent").count() == 1
    # The typed but unfinished step is part of what is kept.
    typed = resume.load(saved)["extra_data"]["typed"][S.PERSONAL]["data"]
    assert typed["personal-surname"] == ["Eriksson"] and typed["personal-birth_place"] == [""]


def test_the_link_continues_at_once_in_the_same_browser(wizard, client):
    wizard.run_until(S.PERSONAL)
    save_later(wizard, S.PERSONAL, {"surname": "Eriksson", "given_names": ""})
    link = latest_link()
    lose_session(client)

    page = client.get(link)
    assert page.status_code == 200 and '<form method="post">' in page.content.decode()
    assert SavedDraft.objects.get().link_hash  # a GET (a mail scanner) uses nothing
    response = client.post(link)
    assert response.status_code == 302 and response["Location"] == reverse("registration:wizard")
    assert client.get(response["Location"])["Location"] == wizard.url(S.PERSONAL)
    html = wizard.get(S.PERSONAL).content.decode()
    assert 'value="Eriksson"' in html
    assert AuditEvent.objects.filter(action="wizard.resumed", data__browser="same").exists()
    # The link worked once.
    assert client.post(link).status_code == 400


def test_another_browser_needs_the_code_texted_to_the_confirmed_phone(wizard, client, scan_bytes):
    wizard.run_until(S.ADDRESS)
    save_later(wizard, S.ADDRESS, {"region": "77", "city": "Moscow"})
    link = latest_link()
    other = Client()  # another device: no cookies of the first browser
    sms.outbox.clear()

    response = other.post(link)
    assert response["Location"] == reverse("registration:wizard_resume_code")
    assert len(sms.outbox) == 1 and sms.outbox[0].to == "+79161234567"
    code = re.search(r"\b(\d{6})\b", sms.outbox[0].text).group(1)
    row = OneTimeCode.objects.get(purpose=CodePurpose.RESUME)
    assert code not in row.code_hash and row.address == "+79161234567"
    page = other.get(response["Location"])
    assert page.status_code == 200 and "+7916***4567" in page.content.decode()

    wrong = "000000" if code != "000000" else "111111"
    refused = other.post(reverse("registration:wizard_resume_code"), {"code": wrong})
    assert refused.status_code == 302  # Post/Redirect/Get
    shown = other.get(refused["Location"])
    assert shown.context["form"].errors["code"]
    assert AuditEvent.objects.filter(action="wizard.resume_code_refused").count() == 1

    done = other.post(reverse("registration:wizard_resume_code"), {"code": code})
    assert done["Location"] == reverse("registration:wizard")
    assert other.get(done["Location"])["Location"] == wizard.url(S.ADDRESS)
    address = other.get(wizard.url(S.ADDRESS))
    assert 'value="Moscow"' in address.content.decode()
    scan_step = other.get(wizard.url(S.IDENTITY_DOCUMENT))
    assert scan_step.context["stored_files"]["scan"].startswith("passport.png")
    assert AuditEvent.objects.filter(action="wizard.resumed", data__browser="other").exists()
    # The other browser now holds the draft's handle; it answers the rest and registers.
    other_driver = type(wizard)(other, scan_bytes)
    for step in (S.ADDRESS, S.PASSWORD, S.CHECK):
        assert other_driver.answer(step).status_code == 302, step
    assert other.get(reverse("registration:wizard_complete")).status_code == 200
    assert not SavedDraft.objects.exists() and not OneTimeCode.objects.filter(purpose=CodePurpose.RESUME).exists()


def test_the_resume_code_is_attempt_limited(wizard, client):
    wizard.run_until(S.PERSONAL)
    save_later(wizard, S.PERSONAL)
    other = Client()
    other.post(latest_link())
    code = re.search(r"\b(\d{6})\b", sms.outbox[-1].text).group(1)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        other.post(reverse("registration:wizard_resume_code"), {"code": wrong})
    page = other.get(reverse("registration:wizard_resume_code"))
    assert page.context["form"].errors["code"]
    # Even the right code no longer works: a new one must be asked for.
    other.post(reverse("registration:wizard_resume_code"), {"code": code})
    assert resume.SESSION_DATA_KEY not in other.session
    # Asking again too soon is refused by the cooldown.
    resent = other.post(reverse("registration:wizard_resume_code"), {"resend": "1"})
    assert other.get(resent["Location"]).status_code == 429


def test_an_expired_or_unknown_link_is_explained(wizard, client):
    wizard.run_until(S.PERSONAL)
    save_later(wizard, S.PERSONAL)
    link = latest_link()
    SavedDraft.objects.update(link_expires_at=timezone.now() - timedelta(seconds=1))
    page = client.get(link)
    assert page.status_code == 400 and page.context["outcome"] == "expired"
    assert client.post(link).status_code == 400
    bogus = reverse("registration:wizard_resume_link", kwargs={"token": "x" * 43})
    assert client.get(bogus).context["outcome"] == "invalid"
    assert client.get(reverse("registration:wizard_resume_code")).status_code == 400


def test_opening_links_is_rate_limited(wizard, client, settings):
    settings.REGISTRATION_RATE_LIMITS = {"wizard_resume_ip": "2/1h"}
    bogus = reverse("registration:wizard_resume_link", kwargs={"token": "y" * 43})
    assert client.post(bogus).status_code == 400
    assert client.post(bogus).status_code == 400
    assert client.post(bogus).status_code == 429


def test_links_sent_per_draft_are_rate_limited(wizard, client, settings):
    settings.REGISTRATION_RATE_LIMITS = {"wizard_resume_draft": "1/1h"}
    wizard.run_until(S.PERSONAL)
    save_later(wizard, S.PERSONAL)
    sent = len(mail.outbox)
    response = save_later(wizard, S.PERSONAL)
    assert len(mail.outbox) == sent
    assert "Too many links" in client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode() or (
        "Слишком много" in client.get(response["Location"]).content.decode()
    )


def test_a_lost_session_is_explained_and_a_saved_draft_gets_a_link(wizard, client):
    """Continue (or reload) after the session ended: a page says so and e-mails a link, never step 1 silently."""
    wizard.run_until(S.PERSONAL)
    lose_session(client)
    sent = len(mail.outbox)
    response = wizard.post(S.PERSONAL)
    assert response["Location"] == reverse("registration:wizard_session_ended")
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.context["saved"] and page.context["sent"] and "a***@example.org" in html
    assert len(mail.outbox) == sent + 1 and "/register/continue/" in mail.outbox[-1].body
    # A reload does not send another e-mail at once.
    assert wizard.get(S.PERSONAL)["Location"] == reverse("registration:wizard_session_ended")
    assert len(mail.outbox) == sent + 1
    assert client.get(reverse("registration:wizard_session_ended")).context["already_sent"]


def test_a_lost_session_before_the_email_is_confirmed_says_to_start_again(wizard, client):
    wizard.run_until(S.PHONE_CODE)
    lose_session(client)
    response = wizard.get(S.PHONE_CODE)
    assert response["Location"] == reverse("registration:wizard_session_ended")
    page = client.get(response["Location"])
    assert not page.context["saved"] and 'action="/register/restart/"' in page.content.decode()
    assert not mail.outbox or "/register/continue/" not in mail.outbox[-1].body


def test_a_new_visitor_is_simply_sent_to_the_first_step(wizard, client):
    assert wizard.get(S.PERSONAL)["Location"] == wizard.url(S.TYPE)


def test_finishing_or_starting_again_forgets_the_saved_draft(wizard, client):
    wizard.run_until(S.PERSONAL)
    assert SavedDraft.objects.exists()
    response = client.post(reverse("registration:wizard_restart"))
    assert not SavedDraft.objects.exists()
    assert response.cookies[resume.STARTED_COOKIE]["max-age"] == 0
    assert wizard.get(S.PERSONAL)["Location"] == wizard.url(S.TYPE)


def test_the_session_key_matches_formtools(wizard, client):
    wizard.run_until(S.CONTACTS)
    assert resume.SESSION_DATA_KEY in client.session


def test_a_saved_draft_under_an_old_key_is_reencrypted_by_the_rotation(wizard, client, settings):
    import json

    from cryptography.fernet import Fernet
    from django.core.management import call_command

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.REGISTRATION_ENCRYPTION_KEYS = [old]
    wizard.run_until(S.PERSONAL)
    settings.REGISTRATION_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_personal_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    token = raw_data(SavedDraft.objects.get().pk)
    draft = json.loads(Fernet(new).decrypt(token.encode()))
    assert draft["step_data"][S.CONTACTS]["contacts-email"] == ["anna@example.org"]


def test_a_step_posted_without_its_cookies_is_explained_not_refused(wizard, client):
    """All cookies gone (the CSRF one too): the POST is refused, and the page says the session ended."""
    wizard.run_until(S.PERSONAL)
    strict = Client(enforce_csrf_checks=True)
    page = strict.post(wizard.url(S.PERSONAL), wizard.payload(S.PERSONAL))
    assert page.status_code == 403 and "onboarding/session_ended.html" in [t.name for t in page.templates]
    assert not page.context["saved"] and 'action="/register/restart/"' in page.content.decode()
    # Elsewhere a CSRF failure is still Django's refusal.
    assert strict.post(reverse("registration:login"), {}).status_code == 403


def test_a_code_that_could_not_be_sent_is_not_announced(wizard, client, monkeypatch):
    wizard.run_until(S.PERSONAL)
    save_later(wizard, S.PERSONAL)
    link = latest_link()

    def broken(to, text):
        raise sms.SmsSendError("gateway down")

    monkeypatch.setattr(resume, "send_sms", broken)
    other = Client()
    page = other.get(other.post(link)["Location"])
    assert page.status_code == 200 and page.context["send_failed"] and not page.context["code_sent"]
    assert not OneTimeCode.objects.filter(purpose=CodePurpose.RESUME).exists()
