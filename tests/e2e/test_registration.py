"""The whole registration in a real browser, in Russian and English, on a desktop and a phone.

A person fills every wizard step with real scan files, confirms the phone with the SMS code and the
e-mail with the link from the e-mail (opened on another device), checks the answers, submits, and
chooses to visit a service centre; a clerk logs into the admin, finds the application in the queue
and confirms it; the person's cabinet then shows **active**. Every page is screenshotted and checked
(axe-core WCAG 2 A/AA, 320 px, lang, console).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

PASSWORD = "Correct-Horse-42"
CLERK_PASSWORD = "Clerk-Desk-2024"
CLERKS_GROUP = "Service-centre clerks"


@dataclass
class Person:
    email: str
    phone: str
    surname: str = "Eriksson"
    given_names: str = "Anna Maria"
    surname_cyrillic: str = "Эрикссон"
    given_names_cyrillic: str = "Анна Мария"
    passport: str = "FA1234567"


def person_for(lang: str, viewport: str) -> Person:
    n = {"ru-desktop": 1, "en-desktop": 2, "ru-phone": 3, "en-phone": 4}[f"{lang}-{viewport}"]
    return Person(email=f"anna.{lang}.{viewport}@example.org", phone=f"+7916123450{n}")


def date_in(years: int) -> str:
    today = dt.date.today()
    return today.replace(year=today.year + years, day=min(today.day, 28)).strftime("%d.%m.%Y")


def fill(page, step: str, **values: str) -> None:
    for name, value in values.items():
        page.locator(f"#id_{step}-{name}").fill(value)


def choose(page, step: str, name: str, value: str) -> None:
    page.locator(f"input[name='{step}-{name}'][value='{value}']").check()


def expect_step(visit, step: str) -> None:
    assert visit.path().startswith(f"/register/{step}/"), f"expected step {step}, at {visit.path()}"
    assert not visit.page.locator(".error-summary").count(), visit.page.locator(".error-summary").inner_text()


def start_and_confirm_contacts(visit, person: Person, sms_code, confirm_email) -> None:
    """From the start page through the phone and e-mail confirmation steps."""
    page = visit.page
    visit.go("/register/")
    visit.check("start")
    visit.submit(".button-start")

    expect_step(visit, "type")
    visit.check("type")
    choose(page, "type", "registration_type", "foreign")
    visit.submit()

    expect_step(visit, "contacts")
    # Continue with nothing typed: the error summary takes focus and links to the first field.
    visit.submit()
    assert "error-summary" in visit.focused()["classes"]
    visit.check("contacts-errors")
    page.locator(".error-summary a").first.click()
    assert visit.focused()["id"] == "id_contacts-email"
    assert page.locator("#id_contacts-email").get_attribute("autocomplete") == "email"
    assert page.locator("#id_contacts-phone").get_attribute("autocomplete") == "tel"
    fill(page, "contacts", email=person.email, phone=person.phone)
    visit.check("contacts")
    visit.submit()

    expect_step(visit, "phone_code")
    visit.check("phone-code")
    fill(page, "phone_code", code=sms_code(person.phone))
    visit.submit()

    expect_step(visit, "email_code")
    visit.check("email-code")
    confirm_email(visit, person)
    visit.submit()


def fill_personal(visit, person: Person) -> None:
    page = visit.page
    expect_step(visit, "personal")
    fill(
        page,
        "personal",
        surname=person.surname,
        given_names=person.given_names,
        birth_date="12.08.1974",
        birth_place="Tashkent",
    )
    choose(page, "personal", "sex", "F")
    page.locator("#id_personal-citizenship").select_option("UZ")
    for name, autocomplete in [("surname", "family-name"), ("given_names", "given-name"), ("birth_date", "bday")]:
        assert page.locator(f"#id_personal-{name}").get_attribute("autocomplete") == autocomplete
    visit.check("personal")
    visit.submit()

    expect_step(visit, "names_cyrillic")
    # The wizard proposes a Cyrillic form; the person corrects it, as the portal allows.
    assert page.locator("#id_names_cyrillic-surname_cyrillic").input_value()
    fill(
        page,
        "names_cyrillic",
        surname_cyrillic=person.surname_cyrillic,
        given_names_cyrillic=person.given_names_cyrillic,
    )
    visit.check("names-cyrillic")
    visit.submit()


def fill_identity_document(visit, person: Person, scan_files) -> None:
    page = visit.page
    expect_step(visit, "identity_document")
    choose(page, "identity_document", "kind", "foreign_passport")
    fill(
        page,
        "identity_document",
        number=person.passport,
        issue_date="01.02.2020",
        expiry_date=date_in(5),
        issuing_authority="Ministry of Internal Affairs",
    )
    page.locator("#id_identity_document-scan").set_input_files(str(scan_files("passport.png")))
    visit.check("identity-document")
    visit.submit()


def fill_the_rest(visit, person: Person, scan_files) -> None:
    """From the document of stay to "check your answers"."""
    page = visit.page
    expect_step(visit, "stay_type")
    choose(page, "stay_type", "kind", "residence_permit")
    visit.check("stay-type")
    visit.submit()

    expect_step(visit, "stay_document")
    fill(
        page,
        "stay_document",
        series="82",
        number="1234567",
        issue_date="01.03.2023",
        issuing_authority="GUVM MVD",
        holder_name=f"{person.surname} {person.given_names}".upper(),
    )
    page.locator("#id_stay_document-scan").set_input_files(str(scan_files("permit.pdf")))
    visit.check("stay-document")
    visit.submit()

    expect_step(visit, "identifiers")
    visit.check("identifiers")
    visit.submit()

    expect_step(visit, "address")
    page.locator("#id_address-region").select_option("77")
    fill(page, "address", city="Moscow", street="Tverskaya", house="1", flat="2", postcode="101000")
    visit.check("address")
    visit.submit()

    expect_step(visit, "password")
    fill(page, "password", password1=PASSWORD, password2=PASSWORD)
    page.locator("#id_password-consent").check()
    visit.check("password")
    visit.submit()

    expect_step(visit, "check")


def make_clerk(make_account):
    from django.contrib.auth.models import Group

    clerk = make_account("clerk@example.org", CLERK_PASSWORD, is_staff=True, phone=None)
    clerk.groups.add(Group.objects.get(name=CLERKS_GROUP))
    return clerk


def make_centre():
    from registration.identity.models import ServiceCentre

    return ServiceCentre.objects.create(
        name="МФЦ Тверской", region="77", city="Москва", address="ул. Тверская, 1", opening_hours="9–20"
    )


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["ru", "en"])
def test_full_registration_until_active(open_visit, make_account, scan_files, sms_code, email_link, lang, viewport):
    """Register, confirm contacts, submit, choose a service centre; a clerk confirms; the person is active."""
    from registration.accounts.models import Account, Applicant

    centre = make_centre()
    make_clerk(make_account)
    person = person_for(lang, viewport)
    visit = open_visit(lang, viewport)
    page = visit.page

    def confirm_email_by_link(visit, person: Person) -> None:
        # The link from the e-mail, opened on another device, confirms the address.
        other_device = open_visit(lang, viewport)
        other_device.go(email_link(person.email).removeprefix(other_device.base_url))
        other_device.check("email-link")
        other_device.submit()
        assert other_device.page.locator("main .button").count() == 1
        other_device.check("email-link-confirmed")
        visit.page.reload()
        assert visit.page.locator(".notice-success").count() == 1

    start_and_confirm_contacts(visit, person, sms_code, confirm_email_by_link)
    fill_personal(visit, person)
    fill_identity_document(visit, person, scan_files)
    fill_the_rest(visit, person, scan_files)
    visit.check("check-answers")
    assert person.passport in page.locator("main").inner_text()
    assert "passport.png" in page.locator("main").inner_text()
    visit.submit()

    # The confirmation page: the application number, and the person is logged in.
    applicant = Applicant.objects.select_related("account").get(account__email=person.email)
    assert applicant.application_number in page.locator("main").inner_text()
    visit.check("submitted")
    account = applicant.account
    assert account.status == "pending"
    assert account.preferred_language == lang
    assert {d.scan_name for d in applicant.documents.all()} == {"passport.png", "permit.pdf"}

    visit.go("/account/")
    assert page.locator(".status-panel.status-pending").count() == 1
    visit.check("cabinet-pending")
    visit.go("/account/identity/")
    visit.check("identity-methods")
    visit.go("/account/identity/service_centre/")
    visit.check("service-centre")
    # The centre search: the city's region by name, then the result chosen.
    page.locator("#id_q").fill({"ru": "Москва", "en": "Moscow"}[lang])
    visit.submit("form.centre-search [type=submit]")
    visit.check("service-centre-search")
    page.locator(f"#centre-{centre.pk}").check()
    visit.submit("main form:not(.centre-search) [type=submit]")
    assert page.locator(".notice-success").count() == 1
    visit.check("service-centre-chosen")
    visit.go("/account/identity/service-centre/receipt/")
    assert applicant.application_number in page.locator("main").inner_text()
    visit.check("receipt")
    for path, step in [
        ("/account/security/", "security"),
        ("/account/support/", "support-list"),
        ("/account/support/new/", "support-new"),
    ]:
        visit.go(path)
        visit.check(step)

    # The clerk, at the service-centre desk, finds the application and checks the originals.
    desk = open_visit(lang, "desktop")
    desk.go("/admin/login/")
    desk.page.locator("#id_username").fill("clerk@example.org")
    desk.page.locator("#id_password").fill(CLERK_PASSWORD)
    desk.submit("input[type=submit]")
    desk.go("/admin/identity/pendingapplication/")
    desk.check("admin-queue")
    assert applicant.application_number in desk.page.locator("#result_list").inner_text()
    desk.page.locator("#result_list a", has_text=applicant.application_number).first.click()
    desk.page.wait_for_load_state("load")
    desk.check("admin-application")
    desk.page.locator("input[name='originals'][value='identity_document']").check()
    desk.page.locator("input[name='originals'][value='stay_document']").check()
    desk.submit("form[action$='/confirm/'] [type=submit]")
    desk.check("admin-confirmed")

    account.refresh_from_db()
    assert account.status == "active"
    page.goto(visit.base_url + "/account/")
    assert page.locator(".status-panel.status-active").count() == 1
    visit.check("cabinet-active")
    assert Account.objects.get(pk=account.pk).is_confirmed


def confirm_email_by_code(visit, person: Person) -> None:
    """Type the code from the e-mail's subject, as a person without the link at hand would."""
    import re

    from django.core import mail

    subjects = [message.subject for message in mail.outbox if person.email in message.to]
    assert subjects, f"no e-mail to {person.email}"
    fill(visit.page, "email_code", code=re.search(r"\b(\d{6})\b", subjects[-1]).group(1))


@pytest.mark.parametrize(("lang", "viewport"), [("ru", "desktop"), ("en", "phone")])
def test_back_button_keeps_typed_answers_and_scans(open_visit, scan_files, sms_code, lang, viewport):
    """The browser's Back button returns to filled-in steps, and an uploaded scan stays uploaded."""
    person = Person(email=f"back.{lang}@example.org", phone=f"+7916765432{len(lang) + len(viewport)}")
    visit = open_visit(lang, viewport)
    page = visit.page
    start_and_confirm_contacts(visit, person, sms_code, confirm_email_by_code)
    fill_personal(visit, person)

    # Back from the identity document step to the Cyrillic names, then to the personal details.
    page.go_back()
    page.wait_for_load_state("load")
    expect_step(visit, "names_cyrillic")
    assert page.locator("#id_names_cyrillic-surname_cyrillic").input_value() == person.surname_cyrillic
    page.go_back()
    page.wait_for_load_state("load")
    expect_step(visit, "personal")
    assert page.locator("#id_personal-surname").input_value() == person.surname
    assert page.locator("#id_personal-birth_date").input_value() == "12.08.1974"
    assert page.locator("input[name='personal-sex'][value='F']").is_checked()
    visit.check("back-personal")
    visit.submit()
    visit.submit()  # the Cyrillic names, as they were

    fill_identity_document(visit, person, scan_files)
    expect_step(visit, "stay_type")
    page.go_back()
    page.wait_for_load_state("load")
    expect_step(visit, "identity_document")
    assert page.locator("#id_identity_document-number").input_value() == person.passport
    # The scan is kept on the server: the page names it, and Continue needs no new file (the browser
    # refills the file input from its history, so empty it to prove the server's copy is used).
    assert "passport.png" in page.locator(".file-kept").inner_text()
    page.locator("#id_identity_document-scan").set_input_files([])
    assert page.locator("#id_identity_document-scan").evaluate("input => input.files.length") == 0
    visit.check("back-identity-document")
    visit.submit()
    expect_step(visit, "stay_type")


def test_wizard_works_without_javascript(open_visit, scan_files, sms_code):
    """With scripts off, errors show, codes confirm and a scan uploads: no step depends on JavaScript."""
    person = Person(email="nojs@example.org", phone="+79167654399")
    visit = open_visit("ru", "phone", javascript=False)
    page = visit.page
    visit.go("/register/type/")
    choose(page, "type", "registration_type", "foreign")
    visit.submit()
    expect_step(visit, "contacts")
    visit.submit()
    assert page.locator(".error-summary a").count() == 2
    visit.check("nojs-contacts-errors")
    fill(page, "contacts", email=person.email, phone=person.phone)
    visit.submit()
    fill(page, "phone_code", code=sms_code(person.phone))
    visit.submit()
    confirm_email_by_code(visit, person)
    visit.submit()
    fill_personal(visit, person)
    fill_identity_document(visit, person, scan_files)
    expect_step(visit, "stay_type")
