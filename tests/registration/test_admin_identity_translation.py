"""A document not written in Latin or Cyrillic letters needs a notarised translation into Russian as a scan."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.storage import storages
from django.urls import reverse

from registration.accounts.models import Document, DocumentRole
from registration.onboarding import steps as S
from tests.registration.identity_fixtures import role_user


def _errors(response, field):
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_the_question_and_the_translation_field_are_on_the_identity_step(wizard, english):
    """The step asks simply whether the data is in other letters, and offers the translation's scan."""
    wizard.run_until(S.IDENTITY_DOCUMENT)
    html = wizard.get(S.IDENTITY_DOCUMENT).content.decode()
    assert "not written in Latin or Russian (Cyrillic) letters" in html
    assert 'name="identity_document-translation_scan"' in html


def test_ticked_without_a_translation_is_refused_on_that_field(wizard):
    """The box ticked and no translation: an error on the translation field; the typed answers are kept."""
    wizard.run_until(S.IDENTITY_DOCUMENT)
    response = wizard.post(S.IDENTITY_DOCUMENT, {**wizard.answers[S.IDENTITY_DOCUMENT], "needs_translation": "on"})
    assert response.status_code == 200
    assert _errors(response, "translation_scan") == ["translation_required"]
    assert 'value="FA1234567"' in response.content.decode()


def test_a_bad_translation_file_gets_the_scans_own_error(wizard):
    """The translation is checked like every scan: a text file is refused."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    wizard.run_until(S.IDENTITY_DOCUMENT)
    files = {
        "scan": ("passport.png", "png"),
        "translation_scan": SimpleUploadedFile("t.pdf", b"just text", content_type="application/pdf"),
    }
    data = {**wizard.answers[S.IDENTITY_DOCUMENT], "needs_translation": "on"}
    response = wizard.post(S.IDENTITY_DOCUMENT, data, files=files)
    assert response.status_code == 200 and _errors(response, "translation_scan")
    assert "translation_required" not in _errors(response, "translation_scan")


def test_the_translation_is_stored_encrypted_and_shown_to_the_clerk(wizard, client, english, role_user):
    """Submitted, the translation is a document of its own, encrypted on disk, on the clerk's page with its scan."""
    wizard.answers[S.IDENTITY_DOCUMENT] = {**wizard.answers[S.IDENTITY_DOCUMENT], "needs_translation": "on"}
    wizard.files[S.IDENTITY_DOCUMENT] = {
        "scan": ("passport.png", "png"),
        "translation_scan": ("translation.pdf", "pdf"),
    }
    wizard.run_until(S.CHECK)
    check = wizard.get(S.CHECK).content.decode()
    assert "translation.pdf" in check
    assert wizard.answer(S.CHECK).status_code == 302
    translation = Document.objects.get(role=DocumentRole.TRANSLATION)
    assert translation.kind == "foreign_passport" and translation.scan_name == "translation.pdf"
    raw = Path(storages["scans"].path(translation.scan.name)).read_bytes()
    assert not raw.startswith(b"%PDF")

    from registration.identity import flows

    flows.open_confirmation(translation.applicant.account, "scan_review")
    client.force_login(role_user("clerk"))
    page = client.get(
        reverse("admin:identity_pendingapplication_change", args=[translation.applicant.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Notarised translation of the identity document" in page
    assert reverse("registration:document_scan", args=[translation.pk]) in page


def test_unticked_the_translation_is_not_kept(wizard):
    """A translation uploaded and then the box unticked: no translation document is created."""
    wizard.run_until(S.IDENTITY_DOCUMENT)
    files = {"scan": ("passport.png", "png"), "translation_scan": ("translation.pdf", "pdf")}
    assert wizard.post(S.IDENTITY_DOCUMENT, files=files).status_code == 302
    wizard.run_until(S.CHECK)
    assert wizard.answer(S.CHECK).status_code == 302
    assert not Document.objects.filter(role=DocumentRole.TRANSLATION).exists()
