"""The passport photo's machine-readable zone in a real browser: read at the identity step, empty fields
filled, a mistyped number flagged and fixed or confirmed; then the clerk sees equal / different per field.
Every page is screenshotted and checked (axe-core WCAG 2 A/AA, 320 px, lang, console)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_registration import (
    CLERK_PASSWORD,
    Person,
    choose,
    confirm_email_by_code,
    expect_step,
    fill,
    fill_personal,
    fill_the_rest,
    make_clerk,
    start_and_confirm_contacts,
)

PHOTO = Path(__file__).resolve().parents[1] / "registration" / "fixtures" / "zone-passport.jpg"
# The photographed passport: ERIKSSON ANNA MARIA, Uzbekistan, FA1234567, valid until 15.04.2034.
ZONE_NUMBER, ZONE_EXPIRY = "FA1234567", "15.04.2034"
TYPO = "FA1234568"


@pytest.mark.parametrize(("lang", "choice"), [("ru", "zone"), ("en", "mine")])
def test_the_zone_fills_empty_fields_flags_a_difference_and_the_clerk_sees_it(
    open_visit, make_account, sms_code, scan_files, lang, choice
):
    from registration.accounts.models import Applicant
    from registration.onboarding.models import ZoneReading

    make_clerk(make_account)
    person = Person(email=f"zone.{lang}@example.org", phone=f"+7916555000{1 if lang == 'ru' else 2}", passport=TYPO)
    visit = open_visit(lang, "phone")
    page = visit.page
    start_and_confirm_contacts(visit, person, sms_code, confirm_email_by_code)
    fill_personal(visit, person)

    # The identity step: a typo in the number, the expiry date left empty, the passport photo chosen.
    expect_step(visit, "identity_document")
    choose(page, "identity_document", "kind", "foreign_passport")
    fill(page, "identity_document", number=TYPO, issue_date="01.02.2020", issuing_authority="MVD")
    page.locator("#id_identity_document-scan").set_input_files(str(PHOTO))
    visit.submit("button[name=zone_read]")
    expect_step(visit, "identity_document")

    # What was read is shown; the empty expiry date is filled, the typed number is not replaced.
    box = page.locator("#zone-read")
    assert box.count() == 1 and "ERIKSSON" in box.inner_text()
    assert page.locator("#id_identity_document-expiry_date").input_value() == ZONE_EXPIRY
    assert page.locator("#id_identity_document-number").input_value() == TYPO
    flagged = page.locator("input[name='identity_document-zone_number']")
    assert flagged.count() == 2  # keep mine / use the zone's
    assert ZONE_NUMBER in page.locator("main form").inner_text()
    visit.check("zone-read")

    # Continue without answering: refused on that question, nothing lost.
    visit.submit()
    assert visit.path().startswith("/register/identity_document/")
    assert page.locator(".error-summary").count() == 1
    assert page.locator("#id_identity_document-number").input_value() == TYPO
    visit.check("zone-difference-unanswered")
    page.locator(f"input[name='identity_document-zone_number'][value='{choice}']").check()
    visit.submit()

    fill_the_rest(visit, person, scan_files)
    visit.check("zone-check-answers")
    assert (ZONE_NUMBER if choice == "zone" else TYPO) in page.locator("main").inner_text()
    visit.submit()
    applicant = Applicant.objects.get(account__email=person.email)
    reading = ZoneReading.objects.get(applicant=applicant)
    assert reading.outcome == ("equal" if choice == "zone" else "differ")

    # The clerk's application page at 1280×800: each field equal / different / not read.
    desk = open_visit(lang, "desktop")
    desk.go("/admin/login/")
    desk.page.locator("#id_username").fill("clerk@example.org")
    desk.page.locator("#id_password").fill(CLERK_PASSWORD)
    desk.submit("input[type=submit]")
    desk.go(f"/admin/identity/pendingapplication/?zone={reading.outcome}")
    assert applicant.application_number in desk.page.locator("#result_list").inner_text()
    desk.check("admin-queue-zone-filter")
    desk.go(f"/admin/identity/pendingapplication/{applicant.pk}/change/")
    table = desk.page.locator(".zone-comparison")
    table.scroll_into_view_if_needed()
    assert ZONE_NUMBER in table.inner_text()
    assert table.locator("tr.zone-different").count() == (0 if choice == "zone" else 1)
    assert table.locator("tr.zone-equal").count() >= 5
    desk.check("admin-application-zone")
