"""Issued documents in a real browser: the person's list and PDF, and the public check page."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from registration.documents import issuing
from tests.registration.documents_fixtures import STAY_CONTENT

PASSWORD = "Correct-Horse-42"


def log_in(visit, email: str) -> None:
    visit.go("/account/login/")
    visit.page.locator("#id_username").fill(email)
    visit.page.locator("#id_password").fill(PASSWORD)
    visit.submit()


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_person_downloads_their_notice_and_its_qr_check_page_says_valid(open_visit, make_account, lang, viewport):
    """From the cabinet to the list, the PDF downloaded; the check page valid, then not valid once revoked."""
    person = make_account("anna@example.org", PASSWORD, phone="+79161234567", status="active")
    today = timezone.localdate()
    document = issuing.issue(
        person,
        "stay_notice",
        valid_from=today,
        valid_until=today + datetime.timedelta(days=89),
        content=STAY_CONTENT,
        language=lang,
    )
    visit = open_visit(lang, viewport)
    log_in(visit, "anna@example.org")
    visit.page.locator("main a[href='/account/documents/']").click()
    assert visit.path() == "/account/documents/"
    visit.check("documents")
    with visit.page.expect_download() as download:
        visit.page.locator(f"main a[href='/account/documents/{document.pk}/pdf']").click()
    assert download.value.suggested_filename == f"{document.number}.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")

    stranger = open_visit(lang, viewport)
    stranger.go(issuing.check_path(document))
    result = stranger.page.locator("#document-check-result").inner_text()
    assert (today + datetime.timedelta(days=89)).strftime("%d.%m.%Y") in result
    assert "KARIMOV" not in stranger.page.content() and document.number not in stranger.page.content()
    stranger.check("document-check-valid")

    issuing.revoke(document, by=person, reason="Test")
    response = stranger.page.goto(stranger.base_url + issuing.check_path(document))
    assert response is not None and response.status == 200
    assert stranger.page.locator("#document-check-result.notice-error").is_visible()
    stranger.check("document-check-not-valid")
