"""The identity step reads the scan's machine-readable zone, fills empty fields, asks about differences."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from registration.accounts.models import Document
from registration.onboarding import steps as S
from registration.onboarding.models import ZoneOutcome, ZoneReading, ZoneStatus

PHOTO = (Path(__file__).parent / "fixtures" / "zone-passport.jpg").read_bytes()
# The photographed passport's zone: ERIKSSON ANNA MARIA, UZB, FA1234567, 12.08.1974, F, valid until 15.04.2034.
EXPIRY = "15.04.2034"
PREFIX = "wizard_registration_wizard"


@pytest.fixture
def zone_wizard(wizard, django_capture_on_commit_callbacks, settings):
    """The wizard driver, in English, whose POSTs run the queued reading (the test settings' tasks run at once)."""
    wizard.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    wizard.answers[S.IDENTITY_DOCUMENT]["expiry_date"] = EXPIRY
    original = wizard.post

    def post(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(*args, **kwargs)

    wizard.post = post
    return wizard


def photo():
    return SimpleUploadedFile("passport.jpg", PHOTO, content_type="image/jpeg")


def read(wizard, **typed):
    """Press "read the details from the scan" with the passport photo and ``typed`` over the default answers."""
    data = {**wizard.answers[S.IDENTITY_DOCUMENT], **typed, "zone_read": "1"}
    body = wizard.payload(S.IDENTITY_DOCUMENT, data, files={"scan": photo()})
    body["zone_read"] = "1"
    response = wizard.client.post(wizard.url(S.IDENTITY_DOCUMENT), body)
    return response


def press_read(wizard, django_capture_on_commit_callbacks, **typed):
    with django_capture_on_commit_callbacks(execute=True):
        response = read(wizard, **typed)
    assert response.status_code == 302 and response["Location"] == wizard.url(S.IDENTITY_DOCUMENT)
    return wizard.get(S.IDENTITY_DOCUMENT)


def value_of(html: str, name: str) -> str | None:
    import re

    match = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{re.escape(name)}"', html
    )
    return match.group(1) if match else None


def step_data(wizard, step):
    return wizard.client.session[PREFIX]["step_data"][step]


def test_empty_fields_are_filled_from_the_zone_and_shown_to_check(zone_wizard, django_capture_on_commit_callbacks):
    zone_wizard.run_until(S.IDENTITY_DOCUMENT)
    page = press_read(
        zone_wizard, django_capture_on_commit_callbacks, number="", expiry_date="", issuing_authority="MVD 12"
    )
    html = page.content.decode()
    assert "We read these from your document's machine-readable zone: check them" in html
    assert "Empty fields below were filled in from the zone." in html
    assert "<dd>Female</dd>" in html and "<dd>Uzbekistan</dd>" in html
    assert value_of(html, "identity_document-number") == "FA1234567"
    assert value_of(html, "identity_document-expiry_date") == EXPIRY
    assert value_of(html, "identity_document-issuing_authority") == "MVD 12"  # typed input is kept
    assert "Enter the document number" not in html  # an empty field now filled is no error
    assert "ERIKSSON" in html and "12.08.1974" in html
    assert 'name="identity_document-zone_number"' not in html  # nothing differs
    # Continue keeps the filled values: the step is answered with them.
    data = {**zone_wizard.answers[S.IDENTITY_DOCUMENT], "number": "FA1234567", "expiry_date": EXPIRY}
    response = zone_wizard.post(S.IDENTITY_DOCUMENT, data, files={})
    assert response["Location"] == zone_wizard.url(S.STAY_TYPE)
    assert step_data(zone_wizard, S.IDENTITY_DOCUMENT)["identity_document-number"] == ["FA1234567"]


def test_a_typed_value_is_never_overwritten_and_the_difference_must_be_answered(
    zone_wizard, django_capture_on_commit_callbacks
):
    zone_wizard.run_until(S.IDENTITY_DOCUMENT)
    page = press_read(zone_wizard, django_capture_on_commit_callbacks, number="FA1234568")
    html = page.content.decode()
    assert value_of(html, "identity_document-number") == "FA1234568"
    assert "Document number: the zone says FA1234567, you typed FA1234568." in html
    assert "differs from the zone in 1 field" in html
    # Continue without answering: refused on that field, nothing lost.
    refused = zone_wizard.post(
        S.IDENTITY_DOCUMENT, {**zone_wizard.answers[S.IDENTITY_DOCUMENT], "number": "FA1234568"}, files={}
    )
    assert refused.posted["Location"] == zone_wizard.url(S.IDENTITY_DOCUMENT)
    assert "Choose which value to keep." in refused.content.decode()
    assert value_of(refused.content.decode(), "identity_document-number") == "FA1234568"


def test_keep_mine_keeps_the_typed_value(zone_wizard, django_capture_on_commit_callbacks):
    zone_wizard.run_until(S.IDENTITY_DOCUMENT)
    press_read(zone_wizard, django_capture_on_commit_callbacks, number="FA1234568")
    data = {**zone_wizard.answers[S.IDENTITY_DOCUMENT], "number": "FA1234568", "zone_number": "mine"}
    response = zone_wizard.post(S.IDENTITY_DOCUMENT, data, files={})
    assert response["Location"] == zone_wizard.url(S.STAY_TYPE)
    stored = step_data(zone_wizard, S.IDENTITY_DOCUMENT)
    assert stored["identity_document-number"] == ["FA1234568"]
    assert stored["identity_document-zone_number"] == ["mine"]
    # The choice stays answered: the check page does not ask again.
    zone_wizard.run_until(S.CHECK)
    assert zone_wizard.get(S.CHECK).status_code == 200


def test_use_the_zones_takes_the_zone_value(zone_wizard, django_capture_on_commit_callbacks):
    zone_wizard.run_until(S.IDENTITY_DOCUMENT)
    press_read(zone_wizard, django_capture_on_commit_callbacks, number="FA1234568")
    data = {**zone_wizard.answers[S.IDENTITY_DOCUMENT], "number": "FA1234568", "zone_number": "zone"}
    response = zone_wizard.post(S.IDENTITY_DOCUMENT, data, files={})
    assert response["Location"] == zone_wizard.url(S.STAY_TYPE)
    assert step_data(zone_wizard, S.IDENTITY_DOCUMENT)["identity_document-number"] == ["FA1234567"]


def test_a_personal_detail_that_differs_is_flagged_and_the_zone_value_can_be_taken(
    zone_wizard, django_capture_on_commit_callbacks
):
    zone_wizard.answers[S.PERSONAL]["surname"] = "Erikson"
    zone_wizard.answers[S.PERSONAL]["birth_date"] = "12.08.1975"
    zone_wizard.answers[S.NAMES_CYRILLIC]["surname_cyrillic"] = "Эриксон"
    zone_wizard.run_until(S.IDENTITY_DOCUMENT)
    html = press_read(zone_wizard, django_capture_on_commit_callbacks).content.decode()
    assert "Surname: the zone says ERIKSSON, you typed Erikson." in html
    assert "Date of birth: the zone says 12.08.1974, you typed 12.08.1975." in html
    assert "differs from the zone in 2 fields" in html
    assert 'name="identity_document-zone_given_names"' not in html  # "Anna Maria" = "ANNA MARIA"
    data = {**zone_wizard.answers[S.IDENTITY_DOCUMENT], "zone_surname": "zone", "zone_birth_date": "mine"}
    response = zone_wizard.post(S.IDENTITY_DOCUMENT, data, files={})
    assert response.status_code == 302
    personal = step_data(zone_wizard, S.PERSONAL)
    assert personal["personal-surname"] == ["ERIKSSON"]
    assert personal["personal-birth_date"] == ["12.08.1975"]
    # A changed name: the name in Russian letters is asked for again.
    assert zone_wizard.get(S.STAY_TYPE)["Location"] == zone_wizard.url(S.NAMES_CYRILLIC)


def test_no_zone_found_is_a_gentle_note_and_the_step_goes_on(zone_wizard, django_capture_on_commit_callbacks):
    zone_wizard.run_until(S.IDENTITY_DOCUMENT)
    body = zone_wizard.payload(S.IDENTITY_DOCUMENT)
    body["zone_read"] = "1"
    with django_capture_on_commit_callbacks(execute=True):
        zone_wizard.client.post(zone_wizard.url(S.IDENTITY_DOCUMENT), body)
    html = zone_wizard.get(S.IDENTITY_DOCUMENT).content.decode()
    assert "We could not read a machine-readable zone on this scan" in html
    assert ZoneReading.objects.get().status in (ZoneStatus.NOT_FOUND, ZoneStatus.UNREADABLE)
    response = zone_wizard.post(S.IDENTITY_DOCUMENT, files={})
    assert response["Location"] == zone_wizard.url(S.STAY_TYPE)
    zone_wizard.files[S.IDENTITY_DOCUMENT] = {}
    zone_wizard.run_all()
    assert ZoneReading.objects.get().outcome == ZoneOutcome.NOT_READ


def test_the_read_button_without_a_scan_asks_for_one(zone_wizard):
    zone_wizard.run_until(S.IDENTITY_DOCUMENT)
    body = zone_wizard.payload(S.IDENTITY_DOCUMENT, files={})
    body["zone_read"] = "1"
    zone_wizard.client.post(zone_wizard.url(S.IDENTITY_DOCUMENT), body)
    html = zone_wizard.get(S.IDENTITY_DOCUMENT).content.decode()
    assert "Attach a scan or photo of the page with your photo." in html
    assert not ZoneReading.objects.exists()


def test_continue_reads_in_the_background_and_the_check_page_sends_back_to_a_difference(
    zone_wizard, django_capture_on_commit_callbacks
):
    zone_wizard.files[S.IDENTITY_DOCUMENT] = {"scan": photo()}
    zone_wizard.answers[S.IDENTITY_DOCUMENT]["number"] = "FA1234568"
    zone_wizard.run_until(S.CHECK)
    check = zone_wizard.get(S.CHECK)
    assert check.status_code == 302
    assert check["Location"].startswith(zone_wizard.url(S.IDENTITY_DOCUMENT))
    html = zone_wizard.client.get(check["Location"]).content.decode()
    assert "Document number: the zone says FA1234567, you typed FA1234568." in html


def test_the_status_endpoint_tells_when_the_reading_is_ready(zone_wizard, django_capture_on_commit_callbacks):
    zone_wizard.run_until(S.IDENTITY_DOCUMENT)
    read(zone_wizard)  # on-commit callbacks not run: the reading is queued, not done
    url = reverse("registration:wizard_zone_status")
    assert zone_wizard.client.get(url).json() == {"ready": False}
    html = zone_wizard.get(S.IDENTITY_DOCUMENT).content.decode()
    assert "js/zone-status.js" in html and "Show what was read" in html
    from registration.onboarding.tasks import read_zone

    pending = ZoneReading.objects.get()
    read_zone.call(pending.draft, pending.scan)
    assert zone_wizard.client.get(url).json() == {"ready": True}
    assert "ERIKSSON" in zone_wizard.get(S.IDENTITY_DOCUMENT).content.decode()


def test_the_submitted_application_keeps_the_reading_encrypted(zone_wizard, django_capture_on_commit_callbacks):
    zone_wizard.files[S.IDENTITY_DOCUMENT] = {"scan": photo()}
    zone_wizard.run_all()
    reading = ZoneReading.objects.get()
    assert reading.applicant is not None and reading.outcome == ZoneOutcome.EQUAL
    assert Document.objects.get(role="identity").scan_type == "image/jpeg"
    with connection.cursor() as cursor:
        cursor.execute("SELECT zone_json FROM onboarding_zonereading")
        raw = cursor.fetchone()[0]
    assert "ERIKSSON" not in raw and "FA1234567" not in raw


def test_a_confirmed_difference_is_submitted_as_differing(zone_wizard, django_capture_on_commit_callbacks):
    zone_wizard.files[S.IDENTITY_DOCUMENT] = {"scan": photo()}
    zone_wizard.run_until(S.STAY_TYPE)
    data = {**zone_wizard.answers[S.IDENTITY_DOCUMENT], "number": "FA1234568", "zone_number": "mine"}
    assert zone_wizard.post(S.IDENTITY_DOCUMENT, data, files={})["Location"] == zone_wizard.url(S.STAY_TYPE)
    zone_wizard.answers[S.IDENTITY_DOCUMENT] = data
    zone_wizard.files[S.IDENTITY_DOCUMENT] = {}
    zone_wizard.run_all()
    assert ZoneReading.objects.get().outcome == ZoneOutcome.DIFFER


def test_nothing_read_is_logged(zone_wizard, django_capture_on_commit_callbacks, caplog):
    caplog.set_level(logging.DEBUG)
    zone_wizard.run_until(S.IDENTITY_DOCUMENT)
    press_read(zone_wizard, django_capture_on_commit_callbacks, number="", expiry_date="")
    assert ZoneReading.objects.get().status == ZoneStatus.READ
    text = caplog.text.upper()
    for value in ("ERIKSSON", "FA1234567", "1974-08-12", "12.08.1974", "2034-04-15", "P<UZB"):
        assert value not in text


def test_the_step_speaks_russian(zone_wizard, django_capture_on_commit_callbacks, settings):
    zone_wizard.run_until(S.IDENTITY_DOCUMENT)
    zone_wizard.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    html = press_read(zone_wizard, django_capture_on_commit_callbacks, number="FA1234568").content.decode()
    assert "Мы прочитали эти данные из машиночитаемой зоны документа: проверьте их" in html
    assert "Номер документа: в зоне FA1234567, вы ввели FA1234568." in html
    assert "Оставить мой вариант: FA1234568" in html
    assert "Прочитать данные со скана" in html


def test_readings_of_abandoned_drafts_are_purged_with_their_uploads(db):
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    old = ZoneReading.objects.create(draft="a" * 32, scan="drafts/old.jpg", status=ZoneStatus.READ)
    ZoneReading.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=30))
    fresh = ZoneReading.objects.create(draft="b" * 32, scan="drafts/new.jpg", status=ZoneStatus.READ)
    out = StringIO()
    call_command("purge_wizard_files", "--older-than", "24", stdout=out, stderr=StringIO())
    assert "Deleted 1 machine-readable zone reading(s)" in out.getvalue()
    assert list(ZoneReading.objects.values_list("pk", flat=True)) == [fresh.pk]


def test_the_comparison_forgives_case_accents_and_a_patronymic_in_the_zone(db):
    from registration.onboarding import zone

    read = {
        "document_number": "FA1234567",
        "surname": "MULLER",
        "given_names": "JOSE ALISHER UGLI",
        "nationality": "XXB",  # a refugee's travel document states no nationality
        "birth_date": "1974-08-12",
        "sex": "X",
        "expiry_date": "2034-04-15",
    }
    typed = {
        "surname": "Müller",
        "given_names": "José",
        "patronymic": "Alisher Ugli",
        "birth_date": "12.08.1974",
        "sex": "M",
        "citizenship": "AF",
        "number": "fa 1234567",
        "expiry_date": "",
    }
    states = {row.field.name: row.state for row in zone.compare(read, typed)}
    assert states == {
        "surname": zone.EQUAL,
        "given_names": zone.EQUAL,
        "birth_date": zone.EQUAL,
        "sex": zone.NOT_READ,  # X: the zone does not say
        "citizenship": zone.NOT_READ,
        "number": zone.EQUAL,
        "expiry_date": zone.NOT_READ,  # not typed
    }
    assert {row.state for row in zone.compare(None, typed)} == {zone.NOT_READ}
    assert zone.form_values({**read, "nationality": "UZB", "sex": "F"})["citizenship"] == "UZ"
