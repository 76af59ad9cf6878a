"""The pages outside the wizard, in a real browser: start, log-in, cabinet, the clerks' log-in."""

from __future__ import annotations

import pytest

PASSWORD = "Correct-Horse-42"


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_start_and_login_pages_pass_the_checks(open_visit, lang, viewport):
    """The start page and the log-in page are accessible, fit 320 px and speak the chosen language."""
    visit = open_visit(lang, viewport)
    visit.go("/register/")
    visit.check("start")
    visit.page.locator("main a[href='/account/login/']").click()
    assert visit.path() == "/account/login/"
    visit.check("login")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_person_logs_in_and_sees_status(open_visit, make_account, lang, viewport):
    """A pending person logs in with a wrong then the right password and reaches the cabinet."""
    make_account("anna@example.org", PASSWORD, phone="+79161234567")
    visit = open_visit(lang, viewport)
    visit.go("/account/login/")
    page = visit.page
    page.locator("#id_username").fill("anna@example.org")
    page.locator("#id_password").fill("wrong-password-1")
    visit.submit()
    assert page.locator(".error-summary").is_visible()
    # The error summary takes focus, so a screen reader announces it at once.
    assert "error-summary" in visit.focused()["classes"]
    visit.check("login-error")
    page.locator("#id_password").fill(PASSWORD)
    visit.submit()
    assert visit.path() == "/account/"
    assert page.locator(".status-panel.status-pending").is_visible()
    visit.check("cabinet-pending")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_clerk_logs_into_admin(open_visit, make_account, lang):
    """A clerk's log-in page and the admin's first page pass the accessibility rules."""
    make_account("clerk@example.org", PASSWORD, is_staff=True, is_superuser=True, phone=None)
    visit = open_visit(lang, "desktop")
    visit.go("/admin/login/")
    visit.check("admin-login")
    visit.page.locator("#id_username").fill("clerk@example.org")
    visit.page.locator("#id_password").fill(PASSWORD)
    visit.submit("input[type=submit]")
    assert visit.path() == "/admin/"
    visit.check("admin-index")


def test_language_switcher_changes_the_page_language(open_visit):
    """Pressing English on a Russian page reloads the same page in English, and the choice sticks."""
    visit = open_visit("ru", "desktop")
    visit.go("/register/")
    assert visit.page.get_attribute("html", "lang") == "ru"
    visit.page.locator(".language-switcher summary").click()
    visit.submit(".language-switcher button[lang=en]")
    assert visit.path() == "/register/"
    assert visit.page.get_attribute("html", "lang") == "en"
    assert visit.page.locator(".language-switcher button[lang=en]").get_attribute("aria-current") == "true"
    visit.go("/account/login/")
    assert visit.page.get_attribute("html", "lang") == "en"
