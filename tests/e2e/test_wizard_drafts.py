"""What a person typed survives in a real browser: a language switch, Back after an error, a lost session,
and continuing on another device from the e-mailed link. Every page is screenshotted and checked (axe-core
WCAG 2 A/AA, 320 px, lang, console)."""

from __future__ import annotations

import pytest

from tests.e2e.test_registration import (
    Person,
    confirm_email_by_code,
    expect_step,
    fill,
    fill_identity_document,
    fill_personal,
    start_and_confirm_contacts,
)


def switch_language(visit, lang: str) -> None:
    """Open the header's language chooser and press a language; the same step comes back in ``lang``."""
    visit.page.locator(".language-switcher summary").click()
    with visit.page.expect_navigation():
        visit.page.locator(f".language-switcher button[value='{lang}']").click()
    visit.page.wait_for_load_state("load")
    visit.lang = lang


def no_browser_error(page) -> None:
    text = page.locator("body").inner_text()
    assert "ERR_CACHE_MISS" not in text and "Confirm Form Resubmission" not in text
    assert page.evaluate("() => performance.getEntriesByType('navigation')[0].name") == page.url


@pytest.mark.parametrize(("lang", "viewport", "other"), [("ru", "phone", "en"), ("en", "desktop", "ru")])
def test_switching_language_keeps_what_was_typed(open_visit, sms_code, lang, viewport, other):
    """On the contacts step, a half-typed e-mail and the phone survive the switch, without error messages;
    Enter in a field still continues (the language buttons are not the form's default button)."""
    person = Person(email=f"switch.{lang}@example.org", phone=f"+79161112{len(lang) + len(viewport):03d}")
    visit = open_visit(lang, viewport)
    page = visit.page
    visit.go("/register/type/")
    page.locator("input[name='type-registration_type'][value='foreign']").check()
    visit.submit()
    expect_step(visit, "contacts")
    fill(page, "contacts", email="anna@", phone=person.phone)
    switch_language(visit, other)
    expect_step(visit, "contacts")  # the same step, no error summary
    assert page.locator("#id_contacts-email").input_value() == "anna@"
    assert page.locator("#id_contacts-phone").input_value() == person.phone
    assert not page.locator(".field-error, .error-message").count()
    visit.check("language-switched-input-kept")

    fill(page, "contacts", email=person.email)
    with page.expect_navigation():
        page.locator("#id_contacts-email").press("Enter")
    expect_step(visit, "phone_code")
    visit.check("language-switched-continued")


def test_switching_language_keeps_the_document_of_stay_and_its_scan(open_visit, sms_code, scan_files):
    """On the document-of-stay step, the typed series and the chosen scan survive a switch to Russian."""
    person = Person(email="switch.stay@example.org", phone="+79161113001")
    visit = open_visit("en", "desktop")
    page = visit.page
    start_and_confirm_contacts(visit, person, sms_code, confirm_email_by_code)
    fill_personal(visit, person)
    fill_identity_document(visit, person, scan_files)
    page.locator("input[name='stay_type-kind'][value='residence_permit']").check()
    visit.submit()
    expect_step(visit, "stay_document")
    fill(page, "stay_document", series="82", number="12345")
    page.locator("#id_stay_document-scan").set_input_files(str(scan_files("permit.pdf")))
    switch_language(visit, "ru")
    expect_step(visit, "stay_document")
    assert page.locator("#id_stay_document-series").input_value() == "82"
    assert page.locator("#id_stay_document-number").input_value() == "12345"
    assert "permit.pdf" in page.locator(".file-kept").inner_text()
    visit.check("stay-document-language-switched")


@pytest.mark.parametrize(("lang", "viewport"), [("ru", "desktop"), ("en", "phone")])
def test_back_and_reload_after_an_error_never_resend_the_form(open_visit, lang, viewport):
    """A refused step redirects to its GET: reload and Back show pages, never a resubmission prompt."""
    visit = open_visit(lang, viewport)
    page = visit.page
    visit.go("/register/type/")
    page.locator("input[name='type-registration_type'][value='foreign']").check()
    visit.submit()
    expect_step(visit, "contacts")
    fill(page, "contacts", email="anna@", phone="")
    visit.submit()
    assert page.locator(".error-summary").count() == 1
    assert page.locator("#id_contacts-email").input_value() == "anna@"
    visit.check("contacts-error-after-redirect")

    response = page.reload()
    assert response is not None and response.ok and response.request.method == "GET"
    no_browser_error(page)
    assert page.locator("#id_contacts-email").input_value() == "anna@"

    response = page.go_back()
    page.wait_for_load_state("load")
    assert response is None or (response.ok and response.request.method == "GET")
    no_browser_error(page)
    assert page.url.endswith("/register/contacts/")
    assert page.locator("h1").count() == 1
    visit.check("back-after-error")


def test_save_continue_later_and_resume_on_another_device(open_visit, sms_code, email_link, scan_files, settings):
    """ "Save and continue later" e-mails a link; the session then ends and the page says so; on another
    device the link asks for the code texted to the confirmed phone, then opens the same step with its data."""
    person = Person(email="resume.device@example.org", phone="+79161114001")
    visit = open_visit("ru", "desktop")
    page = visit.page
    start_and_confirm_contacts(visit, person, sms_code, confirm_email_by_code)
    fill_personal(visit, person)
    fill_identity_document(visit, person, scan_files)
    page.locator("input[name='stay_type-kind'][value='residence_permit']").check()
    visit.submit()
    expect_step(visit, "stay_document")
    fill(page, "stay_document", series="82", number="1234567")
    page.locator("#id_stay_document-scan").set_input_files(str(scan_files("permit.pdf")))
    visit.submit("main form button[name=save_later]")
    assert visit.path() == "/register/saved/"
    assert "r***@example.org" in page.locator("main").inner_text()
    visit.check("saved-for-later")

    # The session ends (the other cookies stay): the next page explains instead of starting again.
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    visit.go("/register/stay_document/")
    assert visit.path() == "/register/session-ended/"
    assert page.locator(".notice-success").count() == 1
    visit.check("session-ended")

    other = open_visit("ru", "phone")  # another device: none of the first browser's cookies
    other.go(email_link(person.email).removeprefix(other.base_url))
    other.check("resume-link")
    other.submit()
    assert other.path() == "/register/continue/code/"
    other.check("resume-code")
    other.page.locator("#id_code").fill(sms_code(person.phone))
    other.submit()
    expect_step(other, "stay_document")
    assert other.page.locator("#id_stay_document-series").input_value() == "82"
    assert other.page.locator("#id_stay_document-number").input_value() == "1234567"
    assert "permit.pdf" in other.page.locator(".file-kept").inner_text()
    other.check("resumed-on-another-device")


def test_switching_language_keeps_what_was_typed_without_javascript(open_visit):
    """The language buttons submit the step's form by HTML alone: with scripts off the input is kept too."""
    visit = open_visit("ru", "phone", javascript=False)
    page = visit.page
    visit.go("/register/type/")
    page.locator("input[name='type-registration_type'][value='foreign']").check()
    visit.submit()
    fill(page, "contacts", email="nojs@", phone="+7916")
    switch_language(visit, "en")
    expect_step(visit, "contacts")
    assert page.locator("#id_contacts-email").input_value() == "nojs@"
    assert page.locator("#id_contacts-phone").input_value() == "+7916"
    visit.check("nojs-language-switched-input-kept")
