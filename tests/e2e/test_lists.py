"""A stateless person registers in Russian on a phone: the country list in Russian order, the stateless
person's documents, a phone typed in the Russian domestic form. Every page is screenshotted and checked
(axe-core WCAG 2 A/AA, 320 px, lang, console)."""

from __future__ import annotations

from tests.e2e.test_registration import Person, choose, confirm_email_by_code, expect_step, fill, fill_the_rest

PHONE_TYPED = "8 916 765-43-21"
PHONE = "+79167654321"


def test_stateless_person_registers_in_russian_on_a_phone(open_visit, scan_files, sms_code):
    """Choose "Лицо без гражданства" in a list in Russian order, give a stateless person's residence permit, submit."""
    from registration.accounts.models import Applicant

    person = Person(email="stateless@example.org", phone=PHONE, passport="821234567")
    visit = open_visit("ru", "phone")
    page = visit.page
    visit.go("/register/type/")
    expect_step(visit, "type")
    assert "лицо без гражданства" in page.locator("main").inner_text().lower()
    choose(page, "type", "registration_type", "foreign")
    visit.submit()

    # The phone in the domestic Russian form: read as +7, confirmed by the SMS sent there.
    expect_step(visit, "contacts")
    fill(page, "contacts", email=person.email, phone=PHONE_TYPED)
    visit.check("stateless-contacts")
    visit.submit()
    expect_step(visit, "phone_code")
    fill(page, "phone_code", code=sms_code(PHONE))
    visit.submit()
    expect_step(visit, "email_code")
    confirm_email_by_code(visit, person)
    visit.submit()

    expect_step(visit, "personal")
    options = page.locator("#id_personal-citizenship option").all_inner_texts()
    assert options[1] == "Лицо без гражданства"
    countries = options[2:]
    assert countries.index("Тунис") < countries.index("Уганда") < countries.index("Узбекистан")
    assert countries.index("Узбекистан") < countries.index("Украина")
    assert countries.index("Коста-Рика") < countries.index("Кот-д’Ивуар") < countries.index("Куба")
    assert countries.index("Центрально-Африканская Республика") < countries.index("Чад") < countries.index("Чили")
    assert countries[0] == "Австралия" and countries[-1] == "Япония"
    for wrong in ("Naoero", "Либерии", "Мьянмы", "Новой Каледонии", "Сан - Марино"):
        assert wrong not in countries
    fill(
        page,
        "personal",
        surname=person.surname,
        given_names=person.given_names,
        birth_date="12.08.1974",
        birth_place="Riga",
    )
    choose(page, "personal", "sex", "F")
    page.locator("#id_personal-citizenship").select_option("XX")
    visit.check("stateless-personal")
    visit.submit()

    expect_step(visit, "names_cyrillic")
    fill(
        page,
        "names_cyrillic",
        surname_cyrillic=person.surname_cyrillic,
        given_names_cyrillic=person.given_names_cyrillic,
    )
    visit.submit()

    # Only a stateless person's documents are offered; the residence permit's number has its series.
    expect_step(visit, "identity_document")
    kinds = page.locator("input[name='identity_document-kind']").evaluate_all("inputs => inputs.map(i => i.value)")
    assert kinds == [
        "stateless_travel_document",
        "stateless_residence_permit",
        "stateless_temporary_residence",
        "stateless_identity_card",
        "other_identity",
    ]
    assert "Вид на жительство лица без гражданства" in page.locator("main").inner_text()
    assert "иностранный паспорт" not in page.locator("main").inner_text()
    visit.check("stateless-identity-document")
    choose(page, "identity_document", "kind", "stateless_residence_permit")
    fill(
        page,
        "identity_document",
        number="1234567",
        issue_date="01.02.2021",
        expiry_date="01.02.2031",
        issuing_authority="ГУВМ МВД России",
    )
    page.locator("#id_identity_document-scan").set_input_files(str(scan_files("permit-stateless.png")))
    visit.submit()
    assert page.locator(".error-summary").count() == 1
    assert "например, 82 1234567" in page.locator(".error-summary").inner_text()
    visit.check("stateless-identity-document-error")
    fill(page, "identity_document", number="82 № 1234567")
    page.locator("#id_identity_document-scan").set_input_files(str(scan_files("permit-stateless.png")))
    visit.submit()

    fill_the_rest(visit, person, scan_files)
    main = page.locator("main").inner_text()
    assert "Лицо без гражданства" in main and "Вид на жительство лица без гражданства" in main
    assert "+7 916 765-43-21" in main or PHONE in main
    visit.check("stateless-check-answers")
    visit.submit()

    applicant = Applicant.objects.get(account__email=person.email)
    assert str(applicant.citizenship) == "XX" and applicant.account.phone == PHONE
    assert applicant.documents.get(role="identity").kind == "stateless_residence_permit"
    visit.go("/account/profile/")
    assert "Лицо без гражданства" in page.locator("main").inner_text()
    visit.check("stateless-profile")
