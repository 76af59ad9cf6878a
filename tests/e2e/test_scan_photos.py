"""A phone photo of the passport, held upright as people hold phones, accepted and stored upright.

A phone camera writes 72 dpi whatever it photographs and keeps its pixels as the sensor saw them,
with an EXIF orientation that turns them upright: the wizard judges the photo by its pixels against
a passport page, stores it turned upright, and the check page says it was turned.
"""

from __future__ import annotations

import io

import pytest

from tests.e2e.test_registration import (
    Person,
    choose,
    confirm_email_by_code,
    date_in,
    expect_step,
    fill,
    fill_personal,
    fill_the_rest,
    start_and_confirm_contacts,
)

#: The turn the check page reports, in each language.
TURNED = {"ru": "мы повернули фото в правильное положение", "en": "we turned the photo upright"}


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_phone_photo_of_the_passport_is_accepted_upright(open_visit, scan_files, sms_code, lang):
    """A 3024 × 4032 JPEG tagged 72 dpi, stored turned with EXIF orientation 6, passes and is stored upright."""
    from PIL import Image

    from registration.accounts.models import Applicant

    person = Person(email=f"photo.{lang}@example.org", phone={"ru": "+79165554201", "en": "+79165554202"}[lang])
    visit = open_visit(lang, "phone")
    page = visit.page
    start_and_confirm_contacts(visit, person, sms_code, confirm_email_by_code)
    fill_personal(visit, person)

    photo = scan_files("photo.jpg", size=(3024, 4032), dpi=72, orientation=6)
    with Image.open(photo) as sent:
        assert sent.size == (4032, 3024) and sent.info["dpi"] == (72, 72) and sent.getexif()[0x0112] == 6
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
    page.locator("#id_identity_document-scan").set_input_files(str(photo))
    visit.check("identity-document-phone-photo")
    visit.submit()
    expect_step(visit, "stay_type")  # accepted: the photo's pixels hold a passport page at 300 dpi

    fill_the_rest(visit, person, scan_files)
    main = page.locator("main").inner_text()
    assert "photo.jpg" in main and TURNED[lang] in main
    visit.check("check-answers-photo-turned")
    visit.submit()

    applicant = Applicant.objects.get(account__email=person.email)
    document = applicant.documents.get(scan_name="photo.jpg")
    with document.scan.open("rb") as handle, Image.open(io.BytesIO(handle.read())) as stored:
        assert stored.size == (3024, 4032)  # upright: as tall as the page, not as the sensor
        assert 0x0112 not in stored.getexif() and "exif" not in stored.info
    visit.check("submitted-photo")
