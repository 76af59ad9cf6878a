"""The foreigner's language end to end: an English-speaking person's cabinet, receipt and e-mail, a clerk
working in Russian, and the bilingual post letter, in a real browser."""

from __future__ import annotations

import re

from tests.registration import identity_fixtures

# The identity tests' fixtures: a pending applicant with a passport and scan, and staff in a role group.
make_applicant = identity_fixtures.make_applicant
role_user = identity_fixtures.role_user

PASSWORD = "Correct-Horse-42"
CYRILLIC = re.compile("[А-Яа-яЁё]")


def make_translated_centre():
    from registration.identity.models import ServiceCentre, ServiceCentreTranslation

    centre = ServiceCentre.objects.create(
        name="МФЦ «Мои документы» Тверской",
        region="77",
        city="Москва",
        address="ул. Тверская, д. 1",
        opening_hours="Пн–Вс 8:00–20:00",
        phone="+7 495 777-77-77",
    )
    ServiceCentreTranslation.objects.create(
        centre=centre,
        language="en",
        name="“My Documents” service centre, Tverskoy",
        city="Moscow",
        address="1 Tverskaya Street",
        opening_hours="Mon–Sun 8:00–20:00",
    )
    return centre


def log_in(visit, email: str) -> None:
    visit.go("/account/login/" if "@staff" not in email else "/admin/login/")
    visit.page.locator("#id_username").fill(email)
    visit.page.locator("#id_password").fill(PASSWORD)
    visit.submit("main form [type=submit], #content form [type=submit]")


def test_english_person_confirmed_by_a_russian_clerk(open_visit, make_applicant, role_user):
    """At phone size an English-speaking person sees the centre in English, prints the receipt; a clerk
    working in Russian confirms; the e-mail is English and names the method in English."""
    from django.core import mail

    from registration.accounts.models import Account

    centre = make_translated_centre()
    applicant = make_applicant("anna@example.org", preferred_language="en")
    clerk = role_user("clerk", "clerk@staff.example.org")
    Account.objects.filter(pk=clerk.pk).update(preferred_language="ru")

    person = open_visit("en", "phone")
    log_in(person, "anna@example.org")
    assert person.path() == "/account/"
    person.go("/account/identity/service_centre/")
    person.page.locator("#id_q").fill("Moscow")  # found by its English city
    person.submit("form.centre-search [type=submit]")
    main = person.page.locator("main")
    assert "“My Documents” service centre, Tverskoy" in main.inner_text()
    assert "1 Tverskaya Street" in main.inner_text() and "Mon–Sun 8:00–20:00" in main.inner_text()
    assert not CYRILLIC.search(main.inner_text())
    person.check("centres-in-english")
    person.page.locator(f"#centre-{centre.pk}").check()
    person.submit("main form:not(.centre-search) [type=submit]")
    assert person.page.locator(".notice-success").count() == 1
    person.check("centre-chosen-in-english")
    person.go("/account/identity/service-centre/receipt/")
    receipt = person.page.locator("main").inner_text()
    assert applicant.application_number in receipt
    assert "“My Documents” service centre, Tverskoy" in receipt and "Mon–Sun 8:00–20:00" in receipt
    person.check("receipt-in-english")
    person.go("/account/language/")
    person.check("language-setting")

    desk = open_visit("ru", "desktop")
    log_in(desk, "clerk@staff.example.org")
    desk.go(f"/admin/identity/pendingapplication/{applicant.pk}/change/")
    desk.check("admin-application-russian-clerk")
    desk.page.locator("input[name='originals'][value='identity_document']").check()
    desk.submit("form[action$='/confirm/'] [type=submit]")
    desk.check("admin-confirmed-russian-clerk")

    message = [m for m in mail.outbox if m.to == ["anna@example.org"]][-1]
    assert message.subject == "Your identity is confirmed"
    assert "Your identity is confirmed (Visit a service centre)." in message.body
    assert not CYRILLIC.search(message.subject + message.body)
    person.go("/account/")
    assert person.page.locator(".status-panel.status-active").count() == 1
    person.check("cabinet-active-in-english")


def test_post_operator_prints_bilingual_letters(open_visit, make_applicant, role_user):
    """Letters for an English- and a Russian-speaking person: Russian address blocks, each message in its
    person's language (and Russian); the print page passes the checks."""
    from registration.accounts.models import Account
    from registration.identity import post_letter

    for email, language in (("anna@example.org", "en"), ("ivan@example.org", "ru")):
        account = make_applicant(email, preferred_language=language).account
        post_letter.METHOD.start(account, postcode="101000", address="Москва, Мясницкая ул., 26")
    operator = role_user("post", "post@staff.example.org")
    Account.objects.filter(pk=operator.pk).update(preferred_language="ru")

    desk = open_visit("ru", "desktop")
    log_in(desk, "post@staff.example.org")
    desk.go("/admin/identity/postletter/")
    desk.submit("form[action$='/print-waiting/'] [type=submit]")
    letters = desk.page.locator("article.letter")
    assert letters.count() == 2
    texts = [letters.nth(n).inner_text() for n in range(2)]
    assert all("Получить в почтовом отделении" in text for text in texts)
    assert sum("Log in to your account" in text for text in texts) == 1
    assert all("Войдите в личный кабинет" in text for text in texts)
    desk.check("post-letters-printed")
    desk.page.emulate_media(media="print")  # as the printer gets it: no operator's notes, a letter a page
    assert not desk.page.locator(".screen-only").is_visible()
    desk.shot("post-letters-print-media")
