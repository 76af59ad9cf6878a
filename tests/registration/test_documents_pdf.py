"""The documents' PDFs: their text in both languages, their fonts, their QR code, their bytes."""

from __future__ import annotations

import io
import re

import cv2
import numpy
import pypdf
import pytest
from django.core import checks
from django.core.management import call_command

from registration.documents import issuing
from registration.documents.fonts import check_fonts, split_by_script
from registration.documents.pdf import render_pdf
from registration.documents.rendering import first_page_image
from tests.registration.documents_fixtures import FROM, PERMIT_CONTENT, STAY_CONTENT, UNTIL, issue_document  # noqa: F401

CHECK_URL = "https://portal.example.org/check/abcdef/"
BASE_14 = {
    "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique", "Helvetica", "Helvetica-Bold",
    "Helvetica-Oblique", "Helvetica-BoldOblique", "Times-Roman", "Times-Bold", "Times-Italic",
    "Times-BoldItalic", "Symbol", "ZapfDingbats",
}  # fmt: skip


def text_of(pdf: bytes) -> str:
    """The PDF's text with its line breaks (wrapped values included) as single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def pdf_of(issue_document, *args, **kwargs) -> bytes:  # noqa: F811
    return render_pdf(issue_document(*args, **kwargs), check_url=CHECK_URL)


def test_a_russian_stay_notice_says_what_it_holds_in_russian(issue_document):  # noqa: F811
    """Title, number, each label and value, the dates and the check line, all in Russian."""
    document = issue_document(language="ru")
    text = text_of(render_pdf(document, check_url=CHECK_URL))
    assert "Уведомление о регистрации по месту пребывания" in text
    assert document.number in text and re.fullmatch(r"RS-\d{4}-\d{7}", document.number)
    for label in ("Дата рождения", "Гражданство", "Адрес места пребывания", "Принимающая сторона", "Действителен до"):
        assert label in text
    for value in ("KARIMOV ALISHER", "КАРИМОВ АЛИШЕР", "14.03.1994", "Узбекистан", "AB1234567", "01.12.2026"):
        assert value in text
    assert "28.02.2027" in text and "ООО «Ромашка», ИНН 7707083893" in text
    assert "ул. Тверская, д. 7" in text
    assert "Отсканируйте QR-код" in text and CHECK_URL in text
    assert "Date of birth" not in text  # Russian only, once


def test_an_english_notice_has_each_label_in_english_and_in_russian(issue_document):  # noqa: F811
    text = text_of(pdf_of(issue_document, language="en"))
    assert "Notice of registration at the place of stay" in text
    assert "Уведомление о регистрации по месту пребывания" in text
    for english, russian in (
        ("Date of birth", "Дата рождения"),
        ("Address of stay", "Адрес места пребывания"),
        ("Registered until", "Зарегистрирован до"),
        ("Scan the QR code", "Отсканируйте QR-код"),
    ):
        assert english in text and russian in text
    assert "Uzbekistan / Узбекистан" in text


def test_an_uzbek_notice_keeps_the_uzbek_letters(issue_document):  # noqa: F811
    """The Uzbek ʻ (U+02BB) of the label and of the country's name survives into the PDF's text."""
    text = text_of(pdf_of(issue_document, language="uz"))
    assert "Tugʻilgan sana" in text and "Дата рождения" in text
    assert "Oʻzbekiston / Узбекистан" in text


def test_a_tajik_notice_keeps_the_tajik_letters(issue_document):  # noqa: F811
    text = text_of(pdf_of(issue_document, language="tg", content={**STAY_CONTENT, "citizenship": "TJ"}))
    assert "Тоҷикистон / Таджикистан" in text


def test_a_chinese_notice_has_its_title_in_chinese_set_in_the_cjk_font(issue_document):  # noqa: F811
    pdf = pdf_of(issue_document, language="zh-hans")
    assert "停留地登记通知" in text_of(pdf)
    assert "Уведомление о регистрации по месту пребывания" in text_of(pdf)
    fonts: dict[str, set[str]] = {}

    def visit(text, cm, tm, font, size):
        if font is not None and text.strip():
            fonts.setdefault(str(font["/BaseFont"]), set()).update(text)

    pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    cjk = {name for name in fonts if "WenQuanYi" in name}
    assert cjk and "停" in set().union(*(fonts[name] for name in cjk))
    for name, characters in fonts.items():
        if name not in cjk:
            assert not any(split_by_script(c)[0][1] for c in characters), name  # no Chinese in DejaVu
    assert any("Д" in characters for name, characters in fonts.items() if "DejaVu" in name)


def test_a_residence_permit_decision_prints_its_own_rows_and_skips_missing_ones(issue_document):  # noqa: F811
    document = issue_document("residence_permit", language="en")
    text = text_of(render_pdf(document, check_url=CHECK_URL))
    assert document.number.startswith("RP-")
    assert "Decision on the residence permit" in text and "Решение о виде на жительство" in text
    assert "The residence permit is granted / Вид на жительство выдан" in text
    assert "China / Китай" in text
    assert "Residence permit valid until" not in text  # no valid_until in the content
    assert "Address of stay" not in text
    with_end = issue_document("residence_permit", content={**PERMIT_CONTENT, "valid_until": "01.12.2031"})
    assert "01.12.2031" in text_of(render_pdf(with_end, check_url=CHECK_URL))


def test_every_font_is_embedded(issue_document):  # noqa: F811
    """No base-14 font, and each font's descriptor carries the TrueType program (FontFile2)."""
    for language in ("ru", "zh-hans"):
        reader = pypdf.PdfReader(io.BytesIO(pdf_of(issue_document, language=language)))
        for page in reader.pages:
            fonts = page["/Resources"]["/Font"]
            assert fonts
            for font in fonts.values():
                font = font.get_object()
                assert str(font["/BaseFont"]).lstrip("/") not in BASE_14
                assert "/FontFile2" in font["/FontDescriptor"].get_object()


def test_the_qr_code_opens_the_check_page(issue_document):  # noqa: F811
    """Rendered to pixels and read back by OpenCV's detector, the QR code is the check page's address."""
    document = issue_document(language="uz")
    # A fixed token: OpenCV's detector misreads about 2 % of random codes of this size (measured on 200),
    # so a random token would make the test fail now and then for no fault of the document.
    document.check_token = "Xq7vL2mN9pR4sT6uW8yZ0aB3cD5eF1gH"
    url = f"https://portal.example.org{issuing.check_path(document)}"
    image = first_page_image(render_pdf(document, check_url=url), dpi=150)
    decoded, points, _ = cv2.QRCodeDetector().detectAndDecode(cv2.cvtColor(numpy.array(image), cv2.COLOR_RGB2BGR))
    assert points is not None
    assert decoded == url
    assert url.endswith(f"/check/{document.check_token}/")


def test_the_same_document_gives_the_same_bytes_dated_when_issued(issue_document):  # noqa: F811
    document = issue_document(language="kk")
    first, second = render_pdf(document, check_url=CHECK_URL), render_pdf(document, check_url=CHECK_URL)
    assert first == second
    info = pypdf.PdfReader(io.BytesIO(first)).metadata
    assert info["/CreationDate"].startswith(f"D:{document.issued_at:%Y%m%d%H%M%S}")


def test_the_check_url_outside_a_request_uses_the_public_url(issue_document, settings):  # noqa: F811
    settings.REGISTRATION_PUBLIC_URL = "https://portal.example.org/"
    document = issue_document()
    assert issuing.check_url(document) == f"https://portal.example.org/check/{document.check_token}/"


def test_a_missing_font_fails_the_system_check_clearly(settings, tmp_path):
    settings.REGISTRATION_PDF_CJK_FONT = str(tmp_path / "none.ttc")
    errors = [error for error in checks.run_checks() if error.id.startswith("documents.")]  # as manage.py check
    assert [error.id for error in errors] == ["documents.E001"]
    assert "REGISTRATION_PDF_CJK_FONT" in errors[0].msg and "fonts-wqy-microhei" in errors[0].hint


def test_the_installed_fonts_pass_the_system_check():
    assert check_fonts() == []


def test_split_by_script_sends_chinese_runs_to_the_cjk_font():
    assert split_by_script("姓名（拉丁字母） Фамилия") == [("姓名（拉丁字母）", True), (" Фамилия", False)]
    assert split_by_script("Oʻzbekiston") == [("Oʻzbekiston", False)]


def test_the_command_writes_a_png_of_a_sample_and_of_an_issued_document(tmp_path, issue_document):  # noqa: F811
    call_command("render_document_png", str(tmp_path / "sample.png"), sample="stay_notice", language="uz")
    document = issue_document()
    call_command("render_document_png", str(tmp_path / "issued.png"), number=document.number, dpi=50)
    for name in ("sample.png", "issued.png"):
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
    from PIL import Image

    width, height = Image.open(tmp_path / "issued.png").size
    assert abs(height / width - 297 / 210) < 0.01  # A4


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_number(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("render_document_png", str(tmp_path / "x.png"), number="RS-2026-9999999")


def test_markup_in_a_value_is_printed_as_text(issue_document):  # noqa: F811
    """A value with reportlab's markup characters is printed as typed, not interpreted."""
    host = 'ООО "А & Б" <font name="Helvetica">x</font>'
    text = text_of(pdf_of(issue_document, content={**STAY_CONTENT, "host": host}))
    assert host in text


def test_a_document_is_issued_only_in_the_sites_languages(make_account):
    with pytest.raises(ValueError):
        issuing.issue(
            make_account(), "stay_notice", valid_from=FROM, valid_until=UNTIL, content=STAY_CONTENT, language="de"
        )
