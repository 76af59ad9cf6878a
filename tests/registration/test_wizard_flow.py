"""Journeys through the registration wizard with the Django test client."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.files.storage import storages
from django.test import Client
from django.urls import reverse

from registration.accounts.models import Account, AccountStatus, AuditEvent, Document
from registration.codes import sms
from registration.codes.models import OneTimeCode
from registration.onboarding import steps as S
from validators import scans


def wizard_files() -> list[str]:
    storage = storages["wizard"]
    try:
        return storage.listdir("drafts")[1]
    except FileNotFoundError:
        return []


def form_errors(response, field: str) -> list[str]:
    """The error codes of ``field`` in the page's form."""
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


def test_full_registration_creates_pending_account_and_logs_in(wizard, client):
    """Answering every step creates the pending account, applicant, documents and audit event, and logs in."""
    wizard.run_until(S.CHECK)
    draft_session = client.session.session_key
    response = wizard.answer(S.CHECK)
    assert client.session.session_key != draft_session  # logging in rotates the session key
    assert response.status_code == 302
    assert response["Location"] == reverse("registration:wizard_complete")

    account = Account.objects.get()
    assert account.status == AccountStatus.PENDING
    assert account.email == "anna@example.org" and account.phone == "+79161234567"
    assert account.check_password("Correct-Horse-42")
    assert int(client.session[SESSION_KEY]) == account.pk

    applicant = account.applicant
    assert (applicant.surname, applicant.given_names, applicant.citizenship.code) == ("Eriksson", "Anna Maria", "UZ")
    assert applicant.surname_cyrillic == "Эрикссон"
    assert (applicant.region, applicant.postcode) == ("77", "101000")

    identity = Document.objects.get(role="identity")
    stay = Document.objects.get(role="stay")
    assert identity.number == "FA1234567" and identity.country.code == "UZ"
    assert (stay.series, stay.number) == ("82", "1234567")
    assert identity.scan_name == "passport.png" and identity.scan_type == "image/png"
    with identity.scan.open("rb") as handle:
        assert handle.read() == wizard.scans["png"]
    # The PDF is stored without its document information, so it is the sanitised file's size.
    stored_pdf = scans.sanitise(wizard.scans["pdf"], "permit.pdf").data
    assert stay.scan_name == "permit.pdf" and stay.scan_size == len(stored_pdf) < len(wizard.scans["pdf"])
    assert "passport" not in identity.scan.name  # random names on disk

    assert AuditEvent.objects.filter(action="account.created", account=account).count() == 1
    assert wizard_files() == []  # the temporary uploads are gone
    assert not OneTimeCode.objects.exists()

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert applicant.application_number in page.content.decode()


def test_every_step_has_its_url_counter_and_title(wizard):
    """Each step is served at /register/<step>/ with "Step k of n" and the step's title in <title>."""
    for number, step in enumerate(S.STEPS, start=1):
        page = wizard.get(step.name)
        assert page.status_code == 200, step.name
        html = page.content.decode()
        title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
        assert str(step.title) in title
        assert f"{number}" in html and f"{len(S.STEPS)}" in html
        assert page.context["step_number"] == number and page.context["step_count"] == len(S.STEPS)
        if step.name != S.CHECK:
            assert wizard.answer(step.name).status_code == 302, step.name


def test_a_step_cannot_be_opened_before_the_earlier_ones(wizard):
    """Opening a later step first leads to the first unanswered step."""
    response = wizard.get(S.PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == wizard.url(S.TYPE)
    response = wizard.post(S.ADDRESS)
    assert response["Location"] == wizard.url(S.TYPE)
    assert not Account.objects.exists()


def test_unknown_step_goes_to_the_start(wizard):
    """An unknown step name redirects rather than failing."""
    response = wizard.get("no_such_step")
    assert response.status_code == 302
    assert response["Location"] == wizard.url(S.TYPE)


def test_registration_type_russian_shows_explanation(wizard):
    """Choosing "citizen of Russia" leads to a page explaining this service is for foreigners."""
    response = wizard.post(S.TYPE, {"registration_type": "russian"})
    assert response["Location"] == reverse("registration:wizard_russian")
    assert wizard.client.get(response["Location"]).status_code == 200
    assert wizard.get(S.CONTACTS)["Location"] == wizard.url(S.TYPE)


def test_russian_citizenship_is_refused_at_personal_step(wizard):
    """Russia as citizenship is refused with its own error code."""
    wizard.run_until(S.PERSONAL)
    response = wizard.post(S.PERSONAL, {**wizard.answers[S.PERSONAL], "citizenship": "RU"})
    assert response.status_code == 200
    assert form_errors(response, "citizenship") == ["citizenship_russian"]


def test_back_navigation_keeps_the_uploaded_scan(wizard):
    """Going back to a step shows the stored scan and keeps it when the step is re-posted without a file."""
    wizard.run_until(S.STAY_TYPE)
    page = wizard.get(S.IDENTITY_DOCUMENT)
    html = page.content.decode()
    assert "passport.png" in html and "PNG" in html
    stored = dict(wizard.client.session["wizard_registration_wizard"]["step_files"][S.IDENTITY_DOCUMENT])
    response = wizard.post(S.IDENTITY_DOCUMENT, files={})  # no new file chosen
    assert response.status_code == 302
    assert response["Location"] == wizard.url(S.STAY_TYPE)
    again = dict(wizard.client.session["wizard_registration_wizard"]["step_files"][S.IDENTITY_DOCUMENT])
    assert again == stored
    assert len(wizard_files()) == 1

    wizard.run_all()
    identity = Document.objects.get(role="identity")
    with identity.scan.open("rb") as handle:
        assert handle.read() == wizard.scans["png"]


def test_replacing_a_scan_deletes_the_old_temporary_file(wizard):
    """Choosing a new file replaces the stored one; the old temporary file is removed."""
    wizard.run_until(S.STAY_TYPE)
    before = wizard_files()
    response = wizard.post(S.IDENTITY_DOCUMENT, files={"scan": ("passport-new.jpg", "jpeg")})
    assert response.status_code == 302
    after = wizard_files()
    assert len(after) == 1 and after != before
    assert "passport-new.jpg" in wizard.get(S.IDENTITY_DOCUMENT).content.decode()


def test_an_invalid_new_file_keeps_nothing_and_shows_its_error(wizard):
    """A refused upload shows the validator's error code; the step stays unanswered."""
    wizard.run_until(S.IDENTITY_DOCUMENT)
    from django.core.files.uploadedfile import SimpleUploadedFile

    gif = SimpleUploadedFile("scan.gif", b"GIF89a" + bytes(64), content_type="image/gif")
    response = wizard.post(S.IDENTITY_DOCUMENT, files={"scan": gif})
    assert response.status_code == 200
    assert form_errors(response, "scan") == ["scan_type_not_allowed"]
    assert wizard_files() == []


def test_check_page_lists_answers_with_change_links_that_return(wizard):
    """Every section has a Change link; saving a change returns to the check page."""
    wizard.run_until(S.CHECK)
    page = wizard.get(S.CHECK)
    html = page.content.decode()
    assert "passport.png, PNG" in html and "permit.pdf, PDF" in html
    change = wizard.url(S.ADDRESS) + "?return=check"
    assert change in html
    assert len(page.context["sections"]) == sum(1 for s in S.STEPS if s.summary_title)

    response = wizard.post(
        S.ADDRESS,
        {**wizard.answers[S.ADDRESS], "city": "Kazan", "region": "16", "postcode": "420111"},
        query="?return=check",
    )
    assert response["Location"] == wizard.url(S.CHECK)
    assert "Kazan" in wizard.get(S.CHECK).content.decode()

    response = wizard.post(S.IDENTITY_DOCUMENT, files={}, query="?return=check")
    assert response["Location"] == wizard.url(S.CHECK)
    wizard.post(S.CHECK)
    assert Account.objects.get().applicant.city == "Kazan"


def test_changing_the_latin_name_asks_for_the_cyrillic_name_again(wizard):
    """A new Latin name drops the old Cyrillic answer; the check page sends the person to it."""
    wizard.run_until(S.CHECK)
    personal = {**wizard.answers[S.PERSONAL], "surname": "Shchukina"}
    response = wizard.post(S.PERSONAL, personal, query="?return=check")
    assert response["Location"] == wizard.url(S.NAMES_CYRILLIC) + "?return=check"
    assert wizard.get(S.CHECK)["Location"] == wizard.url(S.NAMES_CYRILLIC)
    page = wizard.get(S.NAMES_CYRILLIC, query="?return=check")
    assert page.context["form"].initial["surname_cyrillic"] == "Щукина"
    assert not page.context["form"].is_bound
    response = wizard.post(
        S.NAMES_CYRILLIC, {"surname_cyrillic": "Щукина", "given_names_cyrillic": "Анна Мария"}, query="?return=check"
    )
    assert response["Location"] == wizard.url(S.CHECK)


def test_changing_contacts_asks_for_a_new_confirmation(wizard):
    """A new phone number must be confirmed again before the application can be sent."""
    wizard.run_until(S.CHECK)
    sms.outbox.clear()
    contacts = {**wizard.answers[S.CONTACTS], "phone": "+998901234567"}
    wizard.post(S.CONTACTS, contacts, query="?return=check")
    response = wizard.get(S.CHECK)
    assert response["Location"] == wizard.url(S.PHONE_CODE) + "?return=check"
    wizard.get(S.PHONE_CODE, query="?return=check")
    assert sms.outbox[-1].to == "+998901234567"
    response = wizard.post(S.PHONE_CODE, {"code": wizard.latest_sms_code()}, query="?return=check")
    assert response["Location"] == wizard.url(S.CHECK)
    wizard.post(S.CHECK)
    assert Account.objects.get().phone == "+998901234567"


def test_draft_resumes_in_a_new_process(wizard, client, settings):
    """The draft lives in the database session and shared storage: another client with the cookie continues."""
    wizard.run_until(S.STAY_TYPE)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    from django.core.cache import cache

    cache.clear()  # nothing may depend on one process's memory
    storages._storages.clear()  # nor on a storage object built by the first "process"
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = cookie
    response = other.get(reverse("registration:wizard"))
    assert response["Location"] == wizard.url(S.STAY_TYPE)
    wizard.client = other
    wizard.run_all()
    assert Account.objects.get().applicant.documents.count() == 2


def test_taken_contacts_finds_both_contacts_in_one_query(make_account):
    """The e-mail of one account and the phone of another are both found, with one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from registration.onboarding.submit import taken_contacts

    make_account("Anna@Example.org", phone="+79160000001")
    make_account("someone@example.org", phone="+79161234567")
    with CaptureQueriesContext(connection) as queries:
        assert taken_contacts("ANNA@example.org", "+79161234567") == ["email", "phone"]
    assert len(queries) == 1
    assert taken_contacts("anna@example.org", "+79169999999") == ["email"]
    assert taken_contacts("new@example.org", "+79160000001") == ["phone"]
    assert taken_contacts("new@example.org", "") == [] and taken_contacts("", "") == []


def test_contacts_registered_before_sending_are_told_on_the_check_page(wizard, make_account):
    """If the e-mail is registered between the contacts step and sending, the person is told so, not a 500."""
    wizard.run_until(S.CHECK)
    make_account("anna@example.org", phone="+79160000002")
    response = wizard.post(S.CHECK)
    assert response.status_code == 302 and response["Location"] == wizard.url(S.CHECK)
    page = wizard.get(S.CHECK)
    assert "onboarding/account_exists.html" in [t.name for t in page.templates]
    assert "anna@example.org" in page.content.decode()
    assert Account.objects.count() == 1 and not Document.objects.exists()


def test_a_registration_that_loses_the_race_is_told_the_account_exists(wizard, make_account, monkeypatch):
    """A submission refused by the database's constraint (another server won) leads to the account-exists page."""
    from registration.onboarding import submit

    def lose_the_race(data, request=None):
        make_account("anna@example.org", phone="+79160000002")
        raise submit.DuplicateContact(["email"])

    wizard.run_until(S.CHECK)
    monkeypatch.setattr(submit, "submit_application", lose_the_race)
    response = wizard.post(S.CHECK)
    assert response.status_code == 302 and response["Location"] == wizard.url(S.CHECK)
    page = wizard.get(S.CHECK)
    assert "onboarding/account_exists.html" in [t.name for t in page.templates]
    assert Account.objects.count() == 1 and not Document.objects.exists()


def test_the_password_is_never_stored_in_the_session(wizard, client):
    """The draft keeps a signed hash, not the password."""
    wizard.run_until(S.CHECK)
    from django.contrib.sessions.models import Session

    raw = Session.objects.get(session_key=client.session.session_key).session_data
    decoded = str(client.session.load())
    assert "Correct-Horse-42" not in decoded and "Correct-Horse-42" not in raw
    password_page = wizard.get(S.PASSWORD)
    assert password_page.context["form"].has_stored_password
    # Posting the step again with empty password fields keeps the stored password.
    response = wizard.post(S.PASSWORD, {"password1": "", "password2": "", "consent": "on"}, query="?return=check")
    assert response["Location"] == wizard.url(S.CHECK)
    wizard.post(S.CHECK)
    assert Account.objects.get().check_password("Correct-Horse-42")


def test_start_again_forgets_the_draft_and_its_files(wizard, client):
    """The start page offers to continue; "start again" (a POST) removes the draft and its uploads."""
    wizard.run_until(S.STAY_TYPE)
    start = client.get(reverse("registration:start"))
    assert start.context["has_draft"]
    assert client.get(reverse("registration:wizard_restart")).status_code == 405
    response = client.post(reverse("registration:wizard_restart"))
    assert response["Location"] == wizard.url(S.TYPE)
    assert wizard_files() == []
    assert not client.get(reverse("registration:start")).context["has_draft"]
    assert wizard.get(S.CONTACTS)["Location"] == wizard.url(S.TYPE)


def test_done_is_not_reachable_by_get(wizard):
    """The application is sent only by posting the check page: a GET of /register/done/ sends nothing."""
    wizard.run_until(S.CHECK)
    response = wizard.get("done")
    assert response.status_code == 302
    assert not Account.objects.exists()


@pytest.mark.parametrize("language", ["ru", "en"])
def test_wizard_pages_render_in_both_languages(wizard, client, language):
    """The steps render in Russian and English."""
    client.cookies["portal_language"] = language
    wizard.run_until(S.CHECK)
    page = wizard.get(S.CHECK)
    assert f'lang="{language}"' in page.content.decode()


def test_confirmation_e_mail_carries_code_and_link(wizard):
    """Entering the e-mail step sends one message with both the code and a link."""
    wizard.run_until(S.EMAIL_CODE)
    mail.outbox.clear()
    wizard.get(S.EMAIL_CODE)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    code = wizard.latest_email_code()
    assert code in message.body
    assert "/register/confirm-email/" in message.body
    assert message.alternatives and code in message.alternatives[0][0]


def test_kept_scans_are_not_read_until_the_application_is_sent(wizard, monkeypatch):
    """Revalidating steps and showing the check page use stored metadata; sending moves the files on disk
    without reading them."""
    from django.core.files.storage import FileSystemStorage

    wizard.run_until(S.CHECK)
    opened: list[str] = []
    real_open = FileSystemStorage.open

    def counting_open(self, name, mode="rb"):
        opened.append(name)
        return real_open(self, name, mode)

    monkeypatch.setattr(FileSystemStorage, "open", counting_open)
    assert wizard.get(S.CHECK).status_code == 200
    assert wizard.get(S.IDENTITY_DOCUMENT).status_code == 200
    assert opened == []
    assert wizard.post(S.CHECK).status_code == 302
    assert [name for name in opened if name.startswith("drafts/")] == []
    from registration.accounts.models import Document

    assert Document.objects.filter(scan_size__gt=0).count() == 2
