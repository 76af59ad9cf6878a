"""The agencies' registries in a real browser, against the registry simulator.

A person registers while every registry is down (the submission goes through; the cabinet says what
is not checked yet), types a SNILS the Social Fund does not know (a clear sentence, and they go on
without it); the registries come back, the due re-check runs, and the cabinet and the clerk's page
show every answer. Another person confirms their identity by mobile identification, end to end.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.test_registration import (
    PASSWORD,
    Person,
    choose,
    confirm_email_by_code,
    expect_step,
    fill,
    fill_identity_document,
    fill_personal,
    make_clerk,
    start_and_confirm_contacts,
)

UNKNOWN_SNILS = "123-456-789 64"  # a valid check number, but no such SNILS in the Social Fund's data set
ANNAS_INN = "500100732259"


@pytest.fixture
def registries(registry_simulator, settings):
    """The simulator, with no waits: one try per round, and a breaker that does not trip in a journey."""
    settings.REGISTRATION_REGISTRY_RETRIES = 0
    settings.REGISTRATION_REGISTRY_BREAKER_FAILURES = 100
    return registry_simulator


def fill_until_check(visit, person: Person, scan_files, *, snils: str, inn: str) -> None:
    page = visit.page
    expect_step(visit, "stay_type")
    choose(page, "stay_type", "kind", "residence_permit")
    visit.submit()
    expect_step(visit, "stay_document")
    fill(page, "stay_document", series="82", number="1234567", issue_date="01.03.2023", issuing_authority="GUVM MVD")
    fill(page, "stay_document", holder_name=f"{person.surname} {person.given_names}".upper())
    page.locator("#id_stay_document-scan").set_input_files(str(scan_files("permit.pdf")))
    visit.submit()
    expect_step(visit, "identifiers")
    fill(page, "identifiers", snils=snils, inn=inn)
    visit.submit()
    expect_step(visit, "address")
    page.locator("#id_address-region").select_option("77")
    fill(page, "address", city="Moscow", street="Tverskaya", house="1", flat="2", postcode="101000")
    visit.submit()
    expect_step(visit, "password")
    fill(page, "password", password1=PASSWORD, password2=PASSWORD)
    page.locator("#id_password-consent").check()
    visit.submit()
    expect_step(visit, "check")


def test_registries_down_during_submission_then_back(
    open_visit, registries, make_account, scan_files, sms_code, live_server
):
    """Nothing waits on a registry that is down, nothing typed is lost, and the re-check brings every answer."""
    from django.utils import timezone

    from registration.accounts.models import Applicant
    from registration.registries import flows
    from registration.registries.models import RegistryCheck

    make_clerk(make_account)
    person = Person(email="registries.down@example.org", phone="+79161234567")
    visit = open_visit("en", "desktop")
    page = visit.page
    start_and_confirm_contacts(visit, person, sms_code, confirm_email_by_code)
    fill_personal(visit, person)
    fill_identity_document(visit, person, scan_files)
    fill_until_check(visit, person, scan_files, snils=UNKNOWN_SNILS, inn=ANNAS_INN)
    registries.down = True
    visit.submit()
    applicant = Applicant.objects.get(account__email=person.email)
    assert applicant.application_number in page.locator("main").inner_text()
    assert set(RegistryCheck.objects.filter(applicant=applicant).values_list("outcome", flat=True)) == {"unavailable"}

    visit.go("/account/")
    checks = page.locator("#registry-checks").locator("xpath=..").inner_text()
    assert "The SNILS has not been checked with the Social Fund of Russia yet" in checks
    assert "The INN has not been checked with the Federal Tax Service yet" in checks
    visit.check("registries-down-cabinet")

    # Back: the re-check that is due asks again; every answer is recorded.
    registries.down = False
    assert flows.recheck_due(timezone.now() + timedelta(hours=1)) == 1
    page.reload()
    checks = page.locator("#registry-checks").locator("xpath=..").inner_text()
    assert "INN confirmed by the Federal Tax Service." in checks
    assert "The Social Fund of Russia does not know this SNILS. You can go on without it" in checks
    assert "Your identity document is confirmed by the Ministry of Internal Affairs" in checks
    visit.check("registries-back-cabinet")

    # The clerk sees the same beside the typed data, and finds the application under "registry disagrees".
    desk = open_visit("en", "desktop")
    desk.go("/admin/login/")
    desk.page.locator("#id_username").fill("clerk@example.org")
    desk.page.locator("#id_password").fill("Clerk-Desk-2024")
    desk.submit("input[type=submit]")
    desk.go("/admin/identity/pendingapplication/?registries=disagrees")
    assert applicant.application_number in desk.page.locator("#result_list").inner_text()
    desk.check("admin-queue-registry-disagrees")
    desk.page.locator("#result_list a", has_text=applicant.application_number).first.click()
    desk.page.wait_for_load_state("load")
    table = desk.page.locator("section.registry-checks").inner_text()
    assert "not found" in table and "SFR-" in table and "FNS-" in table
    desk.check("admin-application-registries")


@pytest.mark.parametrize(("lang", "viewport"), [("ru", "phone"), ("en", "desktop")])
def test_mobile_identification_end_to_end(open_visit, registries, sms_code, lang, viewport):
    """The MVD has a number on the person's migration record: a code to it confirms the identity, no clerk."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from registration.accounts.models import Account
    from registration.onboarding import submit
    from tests.registration.registries_fixtures import application

    email = f"mobile.{lang}@example.org"
    with transaction.atomic():
        submit.submit_application(application(5, email=email, password_hash=make_password(PASSWORD), language=lang))
    visit = open_visit(lang, viewport)
    page = visit.page
    visit.go("/account/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    visit.submit()
    visit.go("/account/identity/")
    page.locator("a[href='/account/identity/mobile_id/']").first.click()
    page.wait_for_load_state("load")
    assert "+7916***4567" in page.locator("main").inner_text()
    visit.check("mobile-id")
    visit.submit("main form [type=submit]")
    visit.check("mobile-id-code-sent")
    fill(page, "complete", code=sms_code("+79161234567"))  # the number on record, not the one typed
    visit.submit("main form:has(input[name=action][value=complete]) [type=submit]")
    assert visit.path() == "/account/"
    assert page.locator(".status-panel.status-active").count() == 1
    visit.check("mobile-id-active")
    assert Account.objects.get(email=email).is_confirmed
