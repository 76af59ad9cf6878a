"""The rules of each wizard step, checked through the pages: specific error codes, no server errors."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from registration.onboarding import steps as S
from validators import mrz as vmrz
from validators.dates import add_months


def errors(response, field: str) -> list[str]:
    assert response.status_code == 200, response
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


def ddmmyyyy(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def td3(*, number="FA1234567", nationality="UZB", birth="740812", expiry: date, surname="ERIKSSON", sex="F") -> str:
    """A passport's machine-readable zone with correct check digits."""
    check = vmrz.calc_check_digit
    line1 = f"P<{nationality}{surname}<<ANNA<MARIA".ljust(44, "<")
    expiry_text = expiry.strftime("%y%m%d")
    optional = "<" * 14
    part_number = number.ljust(9, "<") + check(number.ljust(9, "<"))
    part_birth = birth + check(birth)
    part_expiry = expiry_text + check(expiry_text)
    part_optional = optional + check(optional)
    composite = check(part_number + part_birth + part_expiry + part_optional)
    line2 = part_number + nationality + part_birth + sex + part_expiry + part_optional + composite
    assert len(line2) == 44
    return f"{line1}\n{line2}"


@pytest.fixture
def at_identity(wizard):
    wizard.run_until(S.IDENTITY_DOCUMENT)
    return wizard


def identity(wizard, **changes):
    return wizard.post(S.IDENTITY_DOCUMENT, {**wizard.answers[S.IDENTITY_DOCUMENT], **changes})


def expiry_date(wizard) -> date:
    day, month, year = wizard.answers[S.IDENTITY_DOCUMENT]["expiry_date"].split(".")
    return date(int(year), int(month), int(day))


def test_contacts_phone_must_be_mobile_in_international_form(wizard):
    """A landline and a too-short number get the phone validator's codes."""
    wizard.run_until(S.CONTACTS)
    response = wizard.post(S.CONTACTS, {"email": "a@example.org", "phone": "+7 495 123-45-67"})
    assert errors(response, "phone") == ["phone_not_mobile"]
    response = wizard.post(S.CONTACTS, {"email": "not-an-email", "phone": "+7916"})
    assert errors(response, "phone") == ["phone_too_short"]
    assert errors(response, "email") == ["invalid"]


def test_contacts_empty_phone_asks_for_the_phone_number(wizard):
    """An empty phone gets the form's own message, beside the field and in the summary, not Django's generic one."""
    from django import forms

    from registration.onboarding.forms import ContactsForm

    generic = str(forms.Field.default_error_messages["required"])
    wizard.run_until(S.CONTACTS)
    response = wizard.post(S.CONTACTS, {"email": "a@example.org", "phone": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert errors(response, "phone") == ["required"]
    message = response.context["form"].errors["phone"][0]
    with translation.override("en"):  # the page was asked for in English
        assert message == str(ContactsForm.base_fields["phone"].error_messages["required"]) != generic
    assert "phone" in message.lower()
    html = response.content.decode()
    assert html.count(message) == 2 and generic not in html


def test_personal_names_must_be_latin_and_birth_date_plausible(wizard):
    """Cyrillic in a Latin name field, a future birth date and an impossible date are refused by code."""
    wizard.run_until(S.PERSONAL)
    base = wizard.answers[S.PERSONAL]
    response = wizard.post(S.PERSONAL, {**base, "surname": "Иванов", "birth_date": "31.02.1990"})
    assert errors(response, "surname") == ["name_invalid_characters"]
    assert errors(response, "birth_date") == ["date_not_exist"]
    tomorrow = date.today() + timedelta(days=1)
    response = wizard.post(S.PERSONAL, {**base, "birth_date": ddmmyyyy(tomorrow), "citizenship": "QQ"})
    assert errors(response, "birth_date") == ["birth_date_future"]
    assert errors(response, "citizenship") == ["invalid_choice"]
    response = wizard.post(S.PERSONAL, {**base, "birth_date": "1990-03-25"})
    assert errors(response, "birth_date") == ["date_format"]


def test_citizenship_list_is_translated(wizard, client):
    """The country list follows the page's language."""
    wizard.run_until(S.PERSONAL)
    client.cookies["portal_language"] = "en"
    assert "Uzbekistan" in wizard.get(S.PERSONAL).content.decode()
    client.cookies["portal_language"] = "ru"
    assert "Узбекистан" in wizard.get(S.PERSONAL).content.decode()


def test_cyrillic_name_is_proposed_and_a_correction_must_spell_the_latin_name(wizard):
    """The proposal is prefilled; a correction that does not transliterate back is refused."""
    wizard.run_until(S.NAMES_CYRILLIC)
    page = wizard.get(S.NAMES_CYRILLIC)
    form = page.context["form"]
    assert form.initial == {"surname_cyrillic": "Ерикссон", "given_names_cyrillic": "Анна Маря"}
    assert "patronymic_cyrillic" not in form.fields
    assert 'value="Ерикссон"' in page.content.decode()
    response = wizard.post(S.NAMES_CYRILLIC, {"surname_cyrillic": "Петрова", "given_names_cyrillic": "Anna"})
    assert errors(response, "surname_cyrillic") == ["cyrillic_mismatch"]
    assert errors(response, "given_names_cyrillic") == ["name_cyrillic_invalid_characters"]
    response = wizard.post(S.NAMES_CYRILLIC, {"surname_cyrillic": "Ерикссон", "given_names_cyrillic": "Анна Мария"})
    assert response.status_code == 302  # a correction that spells the Latin name is accepted


def test_patronymic_in_latin_asks_for_its_cyrillic_form(wizard):
    """With a patronymic, its Cyrillic form is proposed and required."""
    wizard.answers[S.PERSONAL]["patronymic"] = "Nikolaevna"
    wizard.run_until(S.NAMES_CYRILLIC)
    form = wizard.get(S.NAMES_CYRILLIC).context["form"]
    assert form.initial["patronymic_cyrillic"] == "Николаевна"
    response = wizard.post(S.NAMES_CYRILLIC, {**wizard.answers[S.NAMES_CYRILLIC], "patronymic_cyrillic": ""})
    assert errors(response, "patronymic_cyrillic") == ["required"]


def test_passport_number_is_checked_for_the_citizenship(at_identity):
    """An Uzbek passport number must have the Uzbek pattern; another document only the ICAO characters."""
    response = identity(at_identity, number="12345")
    assert errors(response, "number") == ["passport_pattern"]
    response = identity(at_identity, number="FA-12#34567")
    assert errors(response, "number") == ["passport_invalid_characters"]
    response = identity(at_identity, number="12345", kind="other_identity")
    assert response.status_code == 302


def test_identity_document_must_stay_valid_six_months(at_identity):
    """An expiry in 3 months, an expired document and an issue date in the future are refused by code."""
    soon = add_months(date.today(), 3)
    response = identity(at_identity, expiry_date=ddmmyyyy(soon), issue_date=ddmmyyyy(date.today() + timedelta(days=2)))
    assert errors(response, "expiry_date") == ["document_expires_soon"]
    assert errors(response, "issue_date") == ["issue_date_future"]
    response = identity(at_identity, expiry_date="01.01.2001")
    assert errors(response, "expiry_date") == ["document_expired"]


def test_identity_scan_must_be_a_good_scan(at_identity, scan_bytes, scan_maker):
    """Low resolution and a wrong extension get the scan checker's codes; no file at all is required."""
    low = SimpleUploadedFile("low.png", scan_maker("png", dpi=150), content_type="image/png")
    response = at_identity.post(S.IDENTITY_DOCUMENT, files={"scan": low})
    assert errors(response, "scan") == ["scan_resolution_too_low"]
    # A photo tagged 72 dpi is judged by its pixels: 1100 × 700 hold an identity card, not a passport page.
    photo = SimpleUploadedFile("photo.png", scan_maker("png", dpi=72), content_type="image/png")
    response = at_identity.post(S.IDENTITY_DOCUMENT, files={"scan": photo})
    assert errors(response, "scan") == ["scan_too_few_pixels"]
    renamed = SimpleUploadedFile("scan.pdf", scan_bytes["png"], content_type="application/pdf")
    response = at_identity.post(S.IDENTITY_DOCUMENT, files={"scan": renamed})
    assert errors(response, "scan") == ["scan_extension_mismatch"]
    response = at_identity.post(S.IDENTITY_DOCUMENT, files={})
    assert errors(response, "scan") == ["required"]
    photo.seek(0)
    card = {**at_identity.answers[S.IDENTITY_DOCUMENT], "number": "12345", "kind": "other_identity"}
    response = at_identity.post(S.IDENTITY_DOCUMENT, card, files={"scan": photo})
    assert response.status_code == 302
    # The photo kept from that visit is judged again when the type changes to a passport.
    response = at_identity.post(S.IDENTITY_DOCUMENT, files={})
    assert errors(response, "scan") == ["scan_too_few_pixels"]


def test_matching_mrz_is_accepted_and_stored(at_identity):
    """A zone that agrees with the typed data passes, and is kept with the document."""
    zone = td3(expiry=expiry_date(at_identity))
    response = identity(at_identity, mrz=zone)
    assert response.status_code == 302
    at_identity.answers[S.IDENTITY_DOCUMENT]["mrz"] = zone
    at_identity.run_all()
    from registration.accounts.models import Document

    assert Document.objects.get(role="identity").mrz.splitlines()[1].startswith("FA1234567")


@pytest.mark.parametrize(
    ("zone_changes", "field", "code"),
    [
        ({"number": "FA7654321"}, "number", "mrz_mismatch_number"),
        ({"expiry_shift": 30}, "expiry_date", "mrz_mismatch_expiry_date"),
        ({"birth": "750812"}, "mrz", "mrz_mismatch_birth_date"),
        ({"surname": "ERIKSEN"}, "mrz", "mrz_mismatch_surname"),
        ({"nationality": "KAZ"}, "mrz", "mrz_mismatch_nationality"),
    ],
)
def test_mrz_mismatch_is_an_error_on_the_field_that_differs(at_identity, zone_changes, field, code):
    """Each difference between the zone and the typed data is reported on the differing field."""
    expiry = expiry_date(at_identity) + timedelta(days=zone_changes.pop("expiry_shift", 0))
    response = identity(at_identity, mrz=td3(expiry=expiry, **zone_changes))
    assert code in errors(response, field)


def test_broken_mrz_gets_the_validator_code(at_identity):
    """A zone with a wrong check digit is refused by the MRZ validator's code."""
    zone = td3(expiry=expiry_date(at_identity))
    broken = zone[:-1] + ("1" if zone[-1] != "1" else "2")
    response = identity(at_identity, mrz=broken)
    assert errors(response, "mrz") == ["mrz_check_digit_composite"]


def stay(wizard, kind: str, **fields):
    wizard.post(S.STAY_TYPE, {"kind": kind})
    data = {"series": "", "number": "", "issue_date": "", "expiry_date": "", "issuing_authority": "MVD", **fields}
    data.setdefault("holder_name", "Eriksson Anna Maria")
    return wizard.post(S.STAY_DOCUMENT, data)


@pytest.fixture
def at_stay(wizard):
    wizard.run_until(S.STAY_TYPE)
    return wizard


def test_stay_document_fields_follow_the_kind(at_stay):
    """Temporary residence asks no series and no name; a migration card asks for both."""
    at_stay.post(S.STAY_TYPE, {"kind": "temporary_residence"})
    form = at_stay.get(S.STAY_DOCUMENT).context["form"]
    assert "series" not in form.fields and "holder_name" not in form.fields
    assert form.fields["expiry_date"].required
    at_stay.post(S.STAY_TYPE, {"kind": "migration_card"})
    form = at_stay.get(S.STAY_DOCUMENT).context["form"]
    assert {"series", "holder_name", "scan"} <= set(form.fields)


def test_residence_permit_series_and_number_are_checked(at_stay):
    """A residence permit needs 2 + 7 digits; an error lands on the part that is wrong."""
    response = stay(at_stay, "residence_permit", series="8", number="1234567", issue_date="01.03.2023")
    assert errors(response, "series") == ["document_series_format"]
    response = stay(at_stay, "residence_permit", series="82", number="12345", issue_date="01.03.2023")
    assert errors(response, "number") == ["document_number_format"]


def test_work_patent_series_is_a_region_and_unusual_length_is_only_a_warning(at_stay):
    """Series 80 is not a region; a short patent number passes and is flagged on the check page."""
    valid = {"issue_date": "01.03.2024", "expiry_date": ddmmyyyy(date.today() + timedelta(days=90))}
    response = stay(at_stay, "work_patent", series="80", number="1234567890", **valid)
    assert errors(response, "series") == ["patent_series_region"]
    response = stay(at_stay, "work_patent", series="77", number="123456", **valid)
    assert response.status_code == 302
    at_stay.answers[S.STAY_TYPE] = {"kind": "work_patent"}
    at_stay.answers[S.STAY_DOCUMENT] = {
        "series": "77",
        "number": "123456",
        "issuing_authority": "MVD",
        "holder_name": "Eriksson Anna Maria",
        **valid,
    }
    at_stay.run_until(S.CHECK)
    sections = at_stay.get(S.CHECK).context["sections"]
    assert any(section["warnings"] for section in sections)


def test_stay_registration_dates_must_be_in_order(at_stay):
    """The stay must have started, and end after it starts."""
    response = stay(at_stay, "stay_registration", issue_date="10.03.2024", expiry_date="01.03.2024")
    assert "stay_dates_order" in errors(response, "expiry_date")


def test_name_on_the_document_of_stay_must_match(at_stay):
    """Another person's name is refused; the Cyrillic form or a different word order is accepted."""
    base = {"series": "82", "number": "1234567", "issue_date": "01.03.2023"}
    response = stay(at_stay, "residence_permit", holder_name="Ivanova Olga", **base)
    assert errors(response, "holder_name") == ["stay_name_mismatch"]
    assert stay(at_stay, "residence_permit", holder_name="ЭРИКССОН АННА МАРИЯ", **base).status_code == 302
    assert stay(at_stay, "residence_permit", holder_name="Anna Maria Eriksson", **base).status_code == 302


def test_expired_document_of_stay_is_refused(at_stay):
    """A migration card whose stay has ended is refused."""
    response = stay(
        at_stay, "migration_card", series="4617", number="1234567", issue_date="01.01.2024", expiry_date="01.02.2024"
    )
    assert "document_expired" in errors(response, "expiry_date")


def test_identifiers_are_optional_but_checked(wizard):
    """Empty SNILS and INN pass; wrong ones, or a company INN, are refused by code."""
    wizard.run_until(S.IDENTIFIERS)
    response = wizard.post(S.IDENTIFIERS, {"snils": "112-233-445 96", "inn": "7707083893"})
    assert errors(response, "snils") == ["snils_checksum"]
    assert errors(response, "inn") == ["inn_company_for_person"]
    wizard.answers[S.IDENTIFIERS] = {"snils": "112-233-445 95", "inn": "500100732259"}
    assert wizard.post(S.IDENTIFIERS).status_code == 302
    wizard.run_all()
    from registration.accounts.models import Applicant

    assert (Applicant.objects.get().snils, Applicant.objects.get().inn) == ("11223344595", "500100732259")


def test_address_region_and_postcode_are_checked(wizard):
    """An unknown region code and a five-digit postcode are refused."""
    wizard.run_until(S.ADDRESS)
    response = wizard.post(S.ADDRESS, {**wizard.answers[S.ADDRESS], "region": "80", "postcode": "10100"})
    assert errors(response, "region") == ["region_unknown"]
    assert errors(response, "postcode") == ["postcode_format"]
    page = wizard.get(S.ADDRESS)
    # 89 federal subjects and the empty choice (the address directory's suggestions follow the form).
    assert page.content.decode().split("<datalist", 1)[0].count("<option") == 90


@pytest.mark.parametrize(
    ("password", "repeat", "field", "code"),
    [
        ("short1A", "short1A", "password1", "password_too_short"),
        ("alllowercase1", "alllowercase1", "password1", "password_no_upper"),
        ("Password123", "Password123", "password1", "password_too_common"),
        ("Anna@example.org1", "Anna@example.org1", "password1", "password_too_similar"),
        ("Correct-Horse-42", "Correct-Horse-43", "password2", "password_mismatch"),
        ("", "", "password1", "password_required"),
    ],
)
def test_password_rules(wizard, password, repeat, field, code):
    """The portal's rule, Django's validators and the repeat are enforced with their codes."""
    wizard.run_until(S.PASSWORD)
    response = wizard.post(S.PASSWORD, {"password1": password, "password2": repeat, "consent": "on"})
    assert code in errors(response, field)


def test_consent_is_required(wizard):
    """Without consent the password step does not pass."""
    wizard.run_until(S.PASSWORD)
    response = wizard.post(S.PASSWORD, {"password1": "Correct-Horse-42", "password2": "Correct-Horse-42"})
    assert errors(response, "consent") == ["required"]


def test_captcha_is_asked_when_enabled_and_not_asked_again_at_done(wizard, settings):
    """With REGISTRATION_CAPTCHA on, a wrong answer is refused; once passed, sending the application works."""
    import re

    from captcha.models import CaptchaStore

    from registration.accounts.models import Account

    settings.REGISTRATION_CAPTCHA = True
    wizard.run_until(S.PASSWORD)

    def challenge():
        page = wizard.get(S.PASSWORD)
        assert "captcha" in page.context["form"].fields
        key = re.search(r'name="password-captcha_0" value="([0-9a-f]+)"', page.content.decode()).group(1)
        return key, CaptchaStore.objects.get(hashkey=key).response

    key, answer = challenge()
    response = wizard.post(S.PASSWORD, {**wizard.answers[S.PASSWORD], "captcha_0": key, "captcha_1": answer + "x"})
    assert errors(response, "captcha") == ["captcha_invalid"]
    key, answer = challenge()
    response = wizard.post(S.PASSWORD, {**wizard.answers[S.PASSWORD], "captcha_0": key, "captcha_1": answer})
    assert response.status_code == 302
    assert "captcha" not in wizard.get(S.PASSWORD).context["form"].fields
    assert wizard.answer(S.CHECK).status_code == 302
    assert Account.objects.count() == 1
