"""The person's side of the personal-data lifecycle: consent recorded, the versioned texts, the archive of their
data, and closing the account."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core import mail
from django.urls import reverse

from registration.accounts import consent
from registration.accounts.models import Account, AccountStatus, AuditEvent, Consent
from registration.onboarding import steps as S
from registration.onboarding import submit as services
from registration.privacy.models import Closure
from tests.registration.identity_fixtures import make_applicant, superuser
from tests.registration.privacy_fixtures import PASSWORD, make_person, stored
from tests.registration.test_wizard_submit import application


@pytest.fixture(autouse=True)
def _english(client, settings):
    """The pages in English, so that the tests read the English texts (Russian is the site's default)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def can_log_in(identifier: str) -> bool:
    from django.contrib.auth import authenticate
    from django.test import RequestFactory

    return authenticate(RequestFactory().post("/"), username=identifier, password=PASSWORD) is not None


# --- consent --------------------------------------------------------------------------------------


def test_the_submitted_wizard_records_the_consent_with_versions_language_address_and_browser(wizard, settings):
    """Ticking the box and submitting leaves one consent row: the texts' versions, language, time, IP, browser."""
    wizard.client.defaults["HTTP_USER_AGENT"] = "Mozilla/5.0 " + "x" * 500
    wizard.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    wizard.run_all()
    account = Account.objects.get()
    row = Consent.objects.get(account=account)
    assert (row.terms_version, row.notice_version) == (consent.CURRENT_TERMS, consent.CURRENT_NOTICE)
    assert row.language == "en"
    assert row.ip_address == "127.0.0.1"
    assert row.user_agent.startswith("Mozilla/5.0 ") and len(row.user_agent) == consent.USER_AGENT_LENGTH


def test_a_failed_submission_records_no_consent(db, make_account):
    """The consent is written in the submission's transaction: a taken e-mail leaves no row behind."""
    make_account("anna@example.org")
    with pytest.raises(services.DuplicateContact):
        services.submit_application(application())
    assert not Consent.objects.exists()


def test_the_consent_box_links_the_terms_and_the_privacy_notice(wizard):
    """Both texts are linked from the box, in a new tab."""
    wizard.run_until(S.PASSWORD)
    html = wizard.get(S.PASSWORD).content.decode()
    assert f'href="{reverse("registration:terms")}" target="_blank"' in html
    assert f'href="{reverse("registration:privacy")}" target="_blank"' in html


# --- the versioned texts --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "title", "words"),
    [
        ("ru", "Политика обработки персональных данных", ["Как долго", "365", "1095", "30 дней", "Файлы cookie"]),
        ("en", "Privacy notice", ["For how long", "365 days", "1095 days", "30 days", "Roskomnadzor", "Cookies"]),
    ],
)
def test_the_privacy_notice_names_every_retention_period_in_both_languages(client, settings, language, title, words):
    """The notice gives the retention settings' values, translated; the footer links both texts."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("registration:privacy")).content.decode()
    assert title in html
    for word in words:
        assert word in html
    assert f'href="{reverse("registration:terms")}"' in html and f'href="{reverse("registration:privacy")}"' in html


def test_each_version_has_its_own_address_and_an_unknown_one_is_404(client):
    """``/terms/<version>/`` and ``/privacy/<version>/`` show that version; a made-up version is not found."""
    for name in ("terms_version", "privacy_version"):
        response = client.get(reverse(f"registration:{name}", args=[consent.CURRENT_TERMS]))
        assert response.status_code == 200
        assert "01.12.2026" in response.content.decode()
    assert client.get(reverse("registration:terms_version", args=["2020-01-01"])).status_code == 404
    assert client.get("/privacy/..%2F..%2Fbase/").status_code == 404


def test_an_earlier_version_says_it_is_no_longer_in_force(client, monkeypatch):
    """With a newer version published, the old one stays readable and points to the current one."""
    from registration.privacy import views

    monkeypatch.setitem(views.DOCUMENTS, "terms", (("2026-12-01", "2027-06-01"), "Terms"))
    old = client.get(reverse("registration:terms_version", args=["2026-12-01"])).content.decode()
    assert "no longer in force" in old and f'href="{reverse("registration:terms")}"' in old


# --- downloading one's data -----------------------------------------------------------------------


def download(client, password: str = PASSWORD):
    return client.post(reverse("registration:privacy_download"), {"password": password})


def test_the_archive_holds_the_persons_data_and_scans_and_nothing_of_anyone_else(client, make_person):
    """data.json matches the account; every scan is in it, decrypted; another person's data is not; no secret."""
    person = make_person("anna@example.org")
    other = make_person("other@example.org", passport_number="ZZ9999999", surname="OTHERPERSON")
    client.force_login(person.account)
    response = download(client)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"] and "anna" not in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"README.txt", "data.json"} <= names
    data = json.loads(archive.read("data.json"))
    account = person.account
    assert data["account"]["email"] == "anna@example.org" and data["account"]["phone"] == account.phone
    records = data["records"]
    applicant = records["accounts.applicant"][0]
    assert (applicant["surname"], applicant["snils"]) == ("ERIKSSON", "11223344595")
    assert records["accounts.document"][0]["number"] == "AB1234567"
    assert records["accounts.consent"][0]["ip_address"] == "192.0.2.7"
    assert records["identity.documentrequest"][0]["requested_by"] == "staff"
    code = records["codes.onetimecode"][0]
    assert "code_hash" not in code and code["purpose"] == "phone"
    bodies = [message["body"] for message in records["support.supportmessage"]]
    assert "My visa upload fails." in bodies and "Try a smaller file." in bodies
    assert "INTERNAL-NOTE-about-the-person" not in archive.read("data.json").decode()
    actions = [event["action"] for event in data["audit_events"]]
    assert "status.blocked" in actions and {event["by"] for event in data["audit_events"]} <= {"you", "staff", None}
    # Every stored file of the person, decrypted, and no other.
    scans = sorted(name for name in names if name.startswith("scans/"))
    assert len(scans) == len(person.files)
    assert sorted(archive.read(name) for name in scans) == sorted(person.file_bytes.values())
    text = archive.read("data.json").decode()
    for foreign in ("other@example.org", "OTHERPERSON", "ZZ9999999", other.account.phone):
        assert foreign not in text
    for secret in ("argon2", "snils_hash", "number_hash", "clerk@example.org"):
        assert secret not in text
    assert AuditEvent.objects.filter(action="privacy.exported", account=account).exists()


def test_the_readme_is_in_the_persons_language(client, make_person):
    """README.txt is written in the account's language."""
    person = make_person()
    Account.objects.filter(pk=person.account.pk).update(preferred_language="ru")
    client.force_login(person.account)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download(client).streaming_content)))
    assert "Ваши персональные данные" in archive.read("README.txt").decode()


def test_the_archive_needs_the_password_and_is_rate_limited(client, make_person, settings):
    """A wrong password gets the field error and no archive; past the limit, 429."""
    settings.REGISTRATION_RATE_LIMITS = {"privacy_export": "2/1d"}
    person = make_person()
    client.force_login(person.account)
    response = download(client, "wrong")
    assert response.status_code == 200 and "The password is wrong." in response.content.decode()
    assert not AuditEvent.objects.filter(action="privacy.exported").exists()
    assert download(client).status_code == 200
    assert download(client).status_code == 429


def test_the_archive_and_closing_are_behind_the_log_in(client):
    """Anonymous visitors are sent to the log-in page."""
    for name in ("privacy_overview", "privacy_download", "account_close"):
        response = client.get(reverse(f"registration:{name}"))
        assert response.status_code == 302 and reverse("registration:login") in response["Location"]


# --- closing the account --------------------------------------------------------------------------


def close(client, password: str = PASSWORD, confirm: bool = True):
    data = {"password": password, **({"confirm": "on"} if confirm else {})}
    return client.post(reverse("registration:account_close"), data)


def test_closing_needs_the_confirmation_and_the_password(client, make_person):
    """Without the box, or with a wrong password: the form again with the error, the account open."""
    person = make_person()
    client.force_login(person.account)
    html = close(client, confirm=False).content.decode()
    assert "Tick the box to confirm" in html
    assert "The password is wrong." in close(client, password="wrong").content.decode()
    assert Account.objects.get(pk=person.account.pk).status == AccountStatus.PENDING


def test_closing_logs_out_everywhere_frees_the_contacts_and_mails_the_person(
    client, make_person, django_capture_on_commit_callbacks
):
    """Closed at once: every session ends, log-in fails, the e-mail says so in the person's language."""
    from django.test import Client

    person = make_person("anna@example.org")
    account = person.account
    Account.objects.filter(pk=account.pk).update(preferred_language="ru")
    account.refresh_from_db()
    phone = account.phone
    assert can_log_in("anna@example.org")
    other_browser = Client()
    other_browser.force_login(account)
    client.force_login(account)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = close(client)

    assert response.status_code == 302 and response["Location"] == reverse("registration:account_closed")
    closed = Account.objects.get(pk=account.pk)
    assert closed.status == AccountStatus.CLOSED and closed.phone is None
    assert closed.email != "anna@example.org" and not closed.is_active
    # Both sessions are over.
    for browser in (client, other_browser):
        assert browser.get(reverse("registration:cabinet")).status_code == 302
    assert not can_log_in("anna@example.org") and not can_log_in(phone)
    # The person's data stays until the legal hold is over.
    assert all(stored(name) for name in person.files)
    closure = Closure.objects.get(account=account)
    assert (closure.erase_after - closure.closed_at).days == 30  # REGISTRATION_CLOSED_ACCOUNT_HOLD_DAYS
    (message,) = mail.outbox
    assert message.to == ["anna@example.org"] and "закрыт" in message.subject
    event = AuditEvent.objects.get(action="status.closed", account=account)
    assert (event.from_status, event.to_status, event.actor_id) == ("pending", "closed", account.pk)


def test_the_freed_email_and_phone_register_a_new_account(client, make_person):
    """The database's unique constraints no longer hold the closed account's contacts."""
    person = make_person("anna@example.org")
    Account.objects.filter(pk=person.account.pk).update(phone="+79161234567")
    client.force_login(Account.objects.get(pk=person.account.pk))
    close(client)
    applicant = services.submit_application(application(email="anna@example.org", phone="+79161234567"))
    assert applicant.account.pk != person.account.pk
    assert Account.objects.get(pk=person.account.pk).is_closed


def test_a_closed_account_is_shown_closed_to_clerks(client, make_person, superuser):
    """The clerks' application page and the queue's status say closed."""
    person = make_person()
    client.force_login(person.account)
    close(client)
    client.force_login(superuser)
    html = client.get(reverse("admin:accounts_account_change", args=[person.account.pk])).content.decode()
    assert "Closed" in html


def test_a_closed_account_cannot_change_status_again(make_person, clerk):
    """Closed is final: no block, no activation."""
    from registration.accounts import status
    from registration.privacy import closing

    person = make_person()
    closing.close_account(person.account)
    with pytest.raises(status.TransitionNotAllowed):
        status.activate(person.account, by=clerk)
    with pytest.raises(status.TransitionNotAllowed):
        status.block(person.account, by=clerk, reason="x")


def test_staff_cannot_close_their_account_from_the_cabinet(client, clerk):
    """Clerks' accounts are managed in the workspace."""
    client.force_login(clerk)
    assert client.get(reverse("registration:account_close")).status_code == 403


def test_the_overview_lists_the_consents_with_links_to_their_versions(client, make_person):
    """The person sees which versions they agreed to, each linked."""
    person = make_person()
    client.force_login(person.account)
    html = client.get(reverse("registration:privacy_overview")).content.decode()
    assert reverse("registration:terms_version", args=["2026-12-01"]) in html
    assert reverse("registration:privacy_download") in html and reverse("registration:account_close") in html


def test_closing_takes_the_account_off_the_clerks_desks(make_person, clerk):
    """The open confirmation is cancelled, a letter waiting to be printed is not printed, a booked video call is
    freed, live codes are revoked."""
    from datetime import timedelta

    from django.utils import timezone

    from registration.identity.models import IdentityConfirmation, LetterState, PostLetter, VideoSlot
    from registration.privacy import closing

    person = make_person()
    account = person.account
    confirmation = IdentityConfirmation.objects.get(account=account)
    letter = PostLetter.objects.create(
        confirmation=confirmation, account=account, postcode="125009", address="Moscow, Tverskaya 1"
    )
    slot = VideoSlot.objects.create(
        operator=clerk, starts_at=timezone.now() + timedelta(days=1), booked_for=confirmation, booked_at=timezone.now()
    )
    closing.close_account(account)
    slot.refresh_from_db()
    assert slot.booked_for is None and slot.booked_at is None
    confirmation.refresh_from_db()
    letter.refresh_from_db()
    assert confirmation.state == "cancelled" and letter.state == LetterState.CANCELLED
    assert not account.one_time_codes.live().exists()
    applicant = account.applicant
    applicant.refresh_from_db()
    assert applicant.queue_status == AccountStatus.CLOSED


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_data_pages_say_each_heading_once(client, settings, make_person, language):
    """No link or label repeats a heading of its page (a screen reader would hear it twice)."""
    from tests.registration.test_repeated_headings import repeated_headings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(make_person().account)
    for name in ("privacy_overview", "privacy_download", "account_close"):
        page = client.get(reverse(f"registration:{name}"))
        assert page.status_code == 200
        assert repeated_headings(page.content.decode()) == [], name
    for name in ("terms", "privacy"):
        assert repeated_headings(client.get(reverse(f"registration:{name}")).content.decode()) == [], name
