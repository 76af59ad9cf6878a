"""What a foreigner meets beyond the basic journey, in a real browser at phone size, in Russian and English:
the temporary residence permit's own fields, the INN check, the terms link, the captcha's refresh and audio,
and the search for the nearest service centre ("near me" and by postcode without scripts)."""

from __future__ import annotations

import pytest

from tests.e2e.browser import Visit
from tests.e2e.test_registration import (
    PASSWORD,
    Person,
    choose,
    confirm_email_by_code,
    date_in,
    expect_step,
    fill,
    fill_identity_document,
    fill_personal,
    start_and_confirm_contacts,
)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_rvp_inn_check_terms_and_captcha(open_visit, scan_files, sms_code, settings, lang):
    """РВП with its decision fields, the INN "Check", the terms in a new tab, another captcha picture, then submit."""
    from captcha.models import CaptchaStore

    settings.REGISTRATION_CAPTCHA = True
    person = Person(email=f"rvp.{lang}@example.org", phone=f"+7916555{'0011' if lang == 'ru' else '0012'}")
    visit = open_visit(lang, "phone")
    page = visit.page
    start_and_confirm_contacts(visit, person, sms_code, confirm_email_by_code)
    fill_personal(visit, person)
    fill_identity_document(visit, person, scan_files)

    expect_step(visit, "stay_type")
    choose(page, "stay_type", "kind", "temporary_residence")
    visit.submit()
    expect_step(visit, "stay_document")
    assert page.locator("#id_stay_document-series").count() == 0  # a stamp has no series
    fill(
        page,
        "stay_document",
        number="123/2024",
        issue_date=date_in(-1),
        expiry_date=date_in(1),
        issuing_authority="ГУ МВД России по г. Москве",
    )
    page.locator("#id_stay_document-scan").set_input_files(str(scan_files("stamp.png")))
    visit.check("rvp-stay-document")
    visit.submit()

    expect_step(visit, "identifiers")
    page.locator("#id_identifiers-inn").fill("123456789037")
    page.locator(".inn-check-button").click()
    page.locator(".inn-check-result.error-message").wait_for()
    page.locator("#id_identifiers-inn").fill("500100732259")
    page.locator(".inn-check-button").click()
    page.locator(".inn-check-result.inn-check-ok").wait_for()
    assert page.locator("#id_identifiers-inn").get_attribute("aria-invalid") == "false"
    visit.check("inn-checked")
    visit.submit()

    expect_step(visit, "address")
    page.locator("#id_address-region").select_option("77")
    fill(page, "address", city="Moscow", street="Tverskaya", house="1", flat="2", postcode="690000")
    visit.submit()
    assert page.locator("#id_address-postcode-error").is_visible()  # Vladivostok's postcode for Moscow
    visit.check("address-postcode-region")
    fill(page, "address", postcode="101000")
    visit.submit()

    expect_step(visit, "password")
    # The terms open in a new tab: the wizard's page and what is typed on it stay.
    fill(page, "password", password1=PASSWORD, password2=PASSWORD)
    with page.context.expect_page() as opened:
        page.locator("main a[href='/terms/']").click()  # the consent box's link (the footer has one too)
    terms = Visit(page=opened.value, base_url=visit.base_url, lang=lang, viewport="phone")
    terms.page.wait_for_load_state("load")
    assert "152" in terms.page.locator("main").inner_text()
    terms.check("terms")
    terms.page.close()
    assert page.locator("#id_password-password1").input_value() == PASSWORD

    key = page.locator("input[name='password-captcha_0']").input_value()
    page.locator(".captcha-refresh").click()
    page.wait_for_function("old => document.querySelector(\"input[name='password-captcha_0']\").value !== old", arg=key)
    new_key = page.locator("input[name='password-captcha_0']").input_value()
    assert new_key in (page.locator("img.captcha-image").get_attribute("src") or "")
    assert page.locator(".captcha-refresh-submit").is_hidden()
    audio = page.locator(".captcha-audio")
    if audio.count():
        assert new_key in (audio.get_attribute("href") or "")
    page.locator("#id_password-consent").check()
    page.locator("#id_password-captcha_1").fill(CaptchaStore.objects.get(hashkey=new_key).response)
    visit.check("password-captcha")
    visit.submit()

    expect_step(visit, "check")
    text = page.locator("main").inner_text()
    assert "123/2024" in text and "500100732259" in text
    visit.check("check-answers-rvp")


def _pending_person(make_account, email: str):
    from registration.accounts.models import Applicant

    account = make_account(email, PASSWORD, phone=None)
    Applicant.objects.create(
        account=account,
        surname="ERIKSSON",
        given_names="ANNA",
        surname_cyrillic="ЭРИКССОН",
        given_names_cyrillic="АННА",
        birth_date="1990-08-12",
        birth_place="Stockholm",
        sex="F",
        citizenship="SE",
        region="16",
        city="Kazan",
        street="Baumana",
        house="1",
        postcode="420111",
    )
    return account


def _centres():
    from registration.identity.models import ServiceCentre

    rows = [
        ("МФЦ Тверской", "77", "Москва", "ул. Тверская, 1", "125009", 55.7575, 37.6130),
        ("МФЦ Вахитовский", "16", "Казань", "ул. Баумана, 1", "420111", 55.7887, 49.1221),
        ("МФЦ Фрунзенский", "25", "Владивосток", "Океанский пр., 1", "690091", 43.1155, 131.8855),
    ]
    return {
        city: ServiceCentre.objects.create(
            name=name,
            region=region,
            city=city,
            address=address,
            postcode=postcode,
            latitude=lat,
            longitude=lon,
            opening_hours="9:00–20:00",
        )
        for name, region, city, address, postcode, lat, lon in rows
    }


def _log_in(visit, email: str) -> None:
    visit.go("/account/login/")
    visit.page.locator("#id_username").fill(email)
    visit.page.locator("#id_password").fill(PASSWORD)
    visit.submit()
    assert visit.path() == "/account/"


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_nearest_centre_by_location_and_by_postcode(open_visit, make_account, lang):
    """ "Centres near me" lists the nearest first with its distance; the choice is saved. Without scripts, a
    postcode finds its region's centre."""
    centres = _centres()
    email = f"centre.{lang}@example.org"
    _pending_person(make_account, email)
    visit = open_visit(lang, "phone")
    page = visit.page
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 55.79, "longitude": 49.12})  # Kazan
    _log_in(visit, email)
    visit.go("/account/identity/service_centre/")
    visit.check("centre-method")
    near_me = page.locator(".centre-near-me")
    assert near_me.is_visible()
    with page.expect_navigation():
        near_me.click()
    page.wait_for_load_state("load")
    names = page.locator(".centre-results strong").all_inner_texts()
    assert names[0] == "МФЦ Вахитовский" and names[-1] == "МФЦ Фрунзенский"
    assert (
        "km" in page.locator(".centre-results .tag").first.inner_text()
        or "км" in page.locator(".centre-results .tag").first.inner_text()
    )
    visit.check("centre-near-me")
    page.locator(f"#centre-{centres['Москва'].pk}").check()
    visit.submit("main form:not(.centre-search) [type=submit]")
    assert page.locator(".notice-success").count() == 1
    assert "ул. Тверская, 1" in page.locator("main").inner_text()
    visit.check("centre-chosen")

    plain = open_visit(lang, "phone", javascript=False)
    _log_in(plain, email)
    plain.go("/account/identity/service-centre/search/")
    assert plain.page.locator(".centre-near-me").is_hidden()
    plain.page.locator("#id_q").fill("690000")
    plain.submit("form.centre-search [type=submit]")
    assert plain.page.locator(".centre-results strong").all_inner_texts() == ["МФЦ Фрунзенский"]
    plain.check("centre-postcode-nojs")
