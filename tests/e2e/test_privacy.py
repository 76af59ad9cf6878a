"""The person's data in a real browser: the versioned texts, the "Your data" page, the archive and closing."""

from __future__ import annotations

import pytest

PASSWORD = "Correct-Horse-42"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_the_terms_and_the_privacy_notice_pass_the_checks(open_visit, lang, viewport):
    """Both texts are reached from the footer, accessible, and fit 320 px."""
    visit = open_visit(lang, viewport)
    visit.go("/register/")
    visit.page.locator("footer a[href='/privacy/']").click()
    assert visit.path() == "/privacy/"
    visit.check("privacy-notice")
    visit.page.locator("footer a[href='/terms/']").click()
    assert visit.path() == "/terms/"
    visit.check("terms")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_person_downloads_their_data_then_closes_the_account(open_visit, make_account, lang, viewport):
    """From the cabinet: Your data, the archive (a ZIP download), then closing with a refused try first."""
    make_account("anna@example.org", PASSWORD, phone="+79161234567")
    visit = open_visit(lang, viewport)
    page = visit.page
    visit.go("/account/login/")
    page.locator("#id_username").fill("anna@example.org")
    page.locator("#id_password").fill(PASSWORD)
    visit.submit()
    page.locator("main a[href='/account/data/']").click()
    assert visit.path() == "/account/data/"
    visit.check("privacy-overview")
    page.locator("main a[href='/account/data/download/']").click()
    visit.check("privacy-download")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_download() as download:
        page.locator("main button[type=submit]").click()
    assert download.value.suggested_filename.endswith(".zip")
    visit.go("/account/data/close/")
    visit.check("account-close")
    page.locator("#id_password").fill(PASSWORD)
    visit.submit()
    assert page.locator(".error-summary").is_visible()
    visit.check("account-close-error")
    page.locator("#id_confirm").check()
    page.locator("#id_password").fill(PASSWORD)
    visit.submit()
    assert visit.path() == "/account/closed/"
    visit.check("account-closed")
    visit.go("/account/")
    assert visit.path().startswith("/account/login/")
