"""Each scan field judges the document it holds: a phone photo's pixels against the document's size."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageDraw

from registration.accounts.models import Document, DocumentKind
from registration.cabinet.identity import UploadForm
from registration.cabinet.profile.forms import DocumentChangeForm, PersonalChangeForm
from registration.onboarding import forms
from registration.onboarding import steps as S
from registration.onboarding.views.summary import describe_meta
from validators.scans import PhysicalSize


def photo(size: tuple[int, int] = (1100, 700), orientation: int = 1) -> bytes:
    """A phone-style JPEG tagged 72 dpi: lines of text, stored turned when ``orientation`` is 6."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    for y in range(20, size[1] - 20, 24):
        draw.text((20, y), "PASSPORT P<UTOERIKSSON<<ANNA<MARIA 0123456789 " * 3, fill=0)
    exif = Image.Exif()
    if orientation == 6:
        image = image.transpose(Image.Transpose.ROTATE_90)
        exif[0x0112] = 6
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=90, dpi=(72, 72), exif=exif)
    return buffer.getvalue()


def errors(response, field: str) -> list[str]:
    form = response.context["form"]
    return [error.code for error in form.errors.as_data().get(field, [])]


@pytest.mark.parametrize(
    ("kind", "size"),
    [
        (DocumentKind.FOREIGN_PASSPORT, PhysicalSize.ID3),
        (DocumentKind.OTHER_IDENTITY, PhysicalSize.ID1),
        (DocumentKind.RESIDENCE_PERMIT, PhysicalSize.ID1),
        (DocumentKind.TEMPORARY_RESIDENCE, PhysicalSize.ID3),
        (DocumentKind.MIGRATION_CARD, PhysicalSize.A4),
        (DocumentKind.WORK_PATENT, PhysicalSize.A4),
        (DocumentKind.STAY_REGISTRATION, PhysicalSize.A4),
    ],
)
def test_every_kind_of_document_has_its_size(kind, size):
    """Cards are ID-1, passport pages (and the temporary residence stamp) ID-3, paper documents A4."""
    assert forms.document_size(kind) == size


def test_identity_form_judges_the_chosen_document():
    """The identity step's scan is a passport page, or a card when another identity document is chosen."""
    assert forms.IdentityDocumentForm().fields["scan"].physical_size == PhysicalSize.ID3
    chosen = forms.IdentityDocumentForm(data={"identity_document-kind": "other_identity"}, prefix="identity_document")
    assert chosen.fields["scan"].physical_size == PhysicalSize.ID1
    initial = forms.IdentityDocumentForm(initial={"kind": "other_identity"})
    assert initial.fields["scan"].physical_size == PhysicalSize.ID1
    # Each form has a field of its own: the class's field is left as it was.
    assert forms.IdentityDocumentForm.base_fields["scan"].physical_size == PhysicalSize.ID1


def test_stay_form_judges_its_kind():
    """The stay step's scan is judged against the kind chosen on the step before."""
    for kind in (DocumentKind.RESIDENCE_PERMIT, DocumentKind.MIGRATION_CARD, DocumentKind.TEMPORARY_RESIDENCE):
        assert forms.StayDocumentForm(kind=kind).fields["scan"].physical_size == forms.document_size(kind)


def test_cabinet_uploads_judge_their_documents():
    """A change's scan is a passport page; a document a clerk asks for is judged against A4."""
    assert PersonalChangeForm.base_fields["scan"].physical_size == PhysicalSize.ID3
    assert DocumentChangeForm().fields["scan"].physical_size == PhysicalSize.ID3
    assert UploadForm().fields["scan_1"].physical_size == PhysicalSize.A4


@pytest.mark.django_db
def test_migration_card_photo_needs_an_a4_page_of_pixels(wizard):
    """A small photo of a migration card is refused: A4 needs more pixels; the message asks for a closer photo."""
    wizard.answers[S.STAY_TYPE] = {"kind": "migration_card"}
    wizard.run_until(S.STAY_DOCUMENT)
    card = {"series": "4601", "number": "1234567", "issue_date": "01.03.2023", "expiry_date": "01.03.2026"}
    response = wizard.post(
        S.STAY_DOCUMENT,
        {**card, "issuing_authority": "GUVM MVD"},
        files={"scan": SimpleUploadedFile("card.jpg", photo(), "image/jpeg")},
    )
    assert errors(response, "scan") == ["scan_too_few_pixels"]
    assert "Сфотографируйте ближе, чтобы страница заняла весь кадр" in response.content.decode()  # in Russian


def test_describe_meta_says_the_photo_was_turned():
    """The check page tells the person a photo was turned upright."""
    meta = {"name": "passport.jpg", "size": 2048, "scan": {"kind": "jpeg", "size": 2048, "rotation": 90}}
    with translation.override("en"):
        assert describe_meta(meta).endswith("JPEG, 2.0\xa0KB, we turned the photo upright")
        assert "turned" not in describe_meta({**meta, "scan": {"kind": "jpeg", "size": 2048, "rotation": 0}})
    with translation.override("ru"):
        assert describe_meta(meta).endswith(", мы повернули фото в правильное положение")


@pytest.mark.django_db
def test_phone_photo_held_turned_is_stored_upright(wizard):
    """A 72 dpi photo stored sideways with EXIF orientation 6 is accepted, stored upright, and the check page
    says so.
    """
    upload = photo((1500, 1100), orientation=6)
    wizard.files[S.IDENTITY_DOCUMENT] = {"scan": SimpleUploadedFile("passport.jpg", upload, "image/jpeg")}
    wizard.run_until("check")
    page = wizard.get("check").content.decode()
    assert "passport.jpg" in page and "мы повернули фото в правильное положение" in page  # the site speaks Russian
    assert wizard.answer("check").status_code == 302
    document = Document.objects.get(scan_name="passport.jpg")
    with document.scan.open("rb") as handle, Image.open(io.BytesIO(handle.read())) as stored:
        assert stored.size == (1500, 1100) and 0x0112 not in stored.getexif()
