"""Tests for validators.scans on PDF files: resolution of the drawn images, safety, limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import ImageFilter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from tests.validators.conftest import scan_error_code as codes
from validators import (
    ResolutionTooLow,
    ScanError,
    UnsafeContent,
    scans,
)

MB = 1024 * 1024


# PDF ------------------------------------------------------------------------------------------


def test_pdf_scan(make_pdf, scan_jpeg):
    """A PDF whose page is one JPEG drawn at 300 dpi passes; dpi comes from the drawing size."""
    data = make_pdf([scan_jpeg, scan_jpeg], inches=(1240 / 300, 1754 / 300))
    info = scans.check(data, "scan.pdf")
    assert (info.kind, info.pages, info.dpi, info.width, info.height) == ("pdf", 2, 300, 1240, 1754)
    assert info.sharpness > scans.MIN_SHARPNESS
    assert info.mime_type == "application/pdf"


def test_pdf_low_resolution(make_pdf, scan_jpeg):
    """The same image stretched over A4 is 150 dpi."""
    with pytest.raises(ResolutionTooLow) as info:
        scans.check(make_pdf([scan_jpeg]))
    assert info.value.params["dpi"] == 150


def test_pdf_without_images(make_pdf):
    """A page with no image is not a scan, unless allowed."""
    data = make_pdf(blank_pages=2)
    with pytest.raises(ScanError) as info:
        scans.check(data)
    assert (info.value.code, info.value.params) == ("scan_pdf_without_image", {"page": 1})
    info = scans.check(data, require_images=False)
    assert (info.pages, info.dpi, info.width, info.sharpness) == (2, None, None, None)


def test_pdf_mixed_pages(make_pdf, scan_jpeg):
    """With images not required, pages without images are skipped and the others measured."""
    data = make_pdf([scan_jpeg], inches=(1240 / 300, 1754 / 300), blank_pages=1)
    assert scans.check(data, require_images=False).dpi == 300


def test_pdf_content_forms(make_pdf, scan_jpeg):
    """Nested save/restore, a scaled form XObject and a rotated image are followed."""
    w, h = 1240 / 300 * 72, 1754 / 300 * 72

    def add_form(writer):
        page = writer.pages[0]
        image = page["/Resources"]["/XObject"]["/Im0"]
        form = DecodedStreamObject()
        form.set_data(b"q 0.5 0 0 0.5 0 0 cm /Im0 Do Q")
        form.update(
            {
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(1), NumberObject(1)]),
                NameObject("/Matrix"): ArrayObject(
                    [
                        NumberObject(2),
                        NumberObject(0),
                        NumberObject(0),
                        NumberObject(2),
                        NumberObject(0),
                        NumberObject(0),
                    ]
                ),
                NameObject("/Resources"): DictionaryObject(
                    {NameObject("/XObject"): DictionaryObject({NameObject("/Im0"): image})}
                ),
            }
        )
        page["/Resources"]["/XObject"][NameObject("/Fm0")] = writer._add_object(form)

    content = f"Q q 0 {w:.3f} {-h:.3f} 0 0 0 cm 1 2 cm /Missing Do /Fm0 Do Q".encode()
    data = make_pdf([scan_jpeg], inches=(10, 10), content=content, extra=add_form)
    assert scans.check(data).dpi == 300


def test_pdf_inline_image(corpus):
    """Inline images count as images (reportlab's sample draws one 16 px image)."""
    data = (corpus / "pypdf" / "reportlab-inline-image.pdf").read_bytes()
    info = scans.check(data, min_dpi=1)
    assert (info.width, info.height, info.sharpness) == (16, 16, None)


def test_pdf_inline_image_built_here(make_pdf):
    """The same without the corpus: a 16 px inline image drawn one inch wide is a 16 dpi image."""
    content = b"q 72 0 0 72 0 0 cm BI /W 16 /H 16 /CS /G /BPC 8 ID " + bytes(range(256)) + b"\nEI Q"
    data = make_pdf([None], inches=(2, 2), content=content)
    info = scans.check(data, min_dpi=1)
    assert (info.width, info.height, info.dpi, info.sharpness) == (16, 16, 16, None)


def test_pdf_huge_content_falls_back_to_page_size(make_pdf, scan_jpeg, monkeypatch):
    """Beyond MAX_CONTENT_BYTES each image is taken as drawn over the whole page."""
    monkeypatch.setattr(scans, "MAX_CONTENT_BYTES", 0)
    data = make_pdf([scan_jpeg], inches=(1240 / 300, 1754 / 300))
    assert scans.check(data).dpi == 300


def test_pdf_huge_content_with_form(make_pdf, scan_jpeg, monkeypatch):
    """The page-size fallback ignores XObjects that are not images, or images without pixels."""
    monkeypatch.setattr(scans, "MAX_CONTENT_BYTES", 0)

    def add_form(writer):
        form = DecodedStreamObject()
        form.update({NameObject("/Subtype"): NameObject("/Form")})
        empty = DecodedStreamObject()
        empty.update({NameObject("/Subtype"): NameObject("/Image"), NameObject("/Width"): NumberObject(0)})
        xobjects = writer.pages[0]["/Resources"]["/XObject"]
        xobjects[NameObject("/Fm0")] = writer._add_object(form)
        xobjects[NameObject("/Im1")] = writer._add_object(empty)

    data = make_pdf([scan_jpeg], inches=(1240 / 300, 1754 / 300), extra=add_form)
    assert scans.check(data).dpi == 300


def test_pdf_form_drawing_itself(make_pdf, scan_jpeg):
    """A form XObject that draws itself is followed only a few levels deep."""

    def add_loop(writer):
        form = DecodedStreamObject()
        form.set_data(b"/Fm0 Do")
        form.update({NameObject("/Subtype"): NameObject("/Form")})
        reference = writer._add_object(form)
        xobjects = DictionaryObject({NameObject("/Fm0"): reference})
        form[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
        writer.pages[0]["/Resources"]["/XObject"][NameObject("/Fm0")] = reference

    data = make_pdf([scan_jpeg], content=b"/Fm0 Do", extra=add_loop)
    assert codes(scans.check, data) == "scan_pdf_without_image"


def test_pdf_inline_image_without_size(make_pdf, scan_jpeg):
    """An inline image of no size is not counted."""
    data = make_pdf([scan_jpeg], content=b"q 10 0 0 10 0 0 cm BI /W 0 /H 0 /BPC 8 /CS /G ID \x00 EI Q")
    assert codes(scans.check, data) == "scan_pdf_without_image"


def test_pdf_user_unit(make_pdf, scan_jpeg):
    """A page's /UserUnit scales its drawing."""

    def set_unit(writer):
        writer.pages[0][NameObject("/UserUnit")] = NumberObject(2)

    data = make_pdf([scan_jpeg], inches=(1240 / 600, 1754 / 600), extra=set_unit)
    assert scans.check(data).dpi == 300


def test_pdf_degenerate_drawings(make_pdf, scan_jpeg):
    """Images drawn with no size, and malformed cm operators, are ignored."""
    data = make_pdf([scan_jpeg], content=b"q 0 0 0 0 0 0 cm /Im0 Do Q q 1 2 cm Q")
    assert codes(scans.check, data) == "scan_pdf_without_image"


def test_pdf_image_bomb(make_pdf, scan_jpeg):
    """An embedded image declaring too many pixels is refused."""

    def enlarge(writer):
        image = writer.pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
        image[NameObject("/Width")] = NumberObject(100_000)
        image[NameObject("/Height")] = NumberObject(100_000)

    assert codes(scans.check, make_pdf([scan_jpeg], extra=enlarge)) == "scan_too_many_pixels"


def test_pdf_image_not_jpeg(make_pdf, scan_jpeg):
    """An image in another encoding has no sharpness figure; a filter chain ending in DCT has."""

    def flate(writer):
        image = writer.pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
        image[NameObject("/Filter")] = NameObject("/FlateDecode")

    data = make_pdf([scan_jpeg], inches=(1240 / 300, 1754 / 300), extra=flate)
    assert scans.check(data).sharpness is None

    def chain(writer):
        image = writer.pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
        image[NameObject("/Filter")] = ArrayObject([NameObject("/DCTDecode")])

    data = make_pdf([scan_jpeg], inches=(1240 / 300, 1754 / 300), extra=chain)
    assert scans.check(data).sharpness > scans.MIN_SHARPNESS


def test_pdf_blurred_image(make_pdf, page, encode):
    """A blurred JPEG inside a PDF is refused like a blurred photo."""
    blurred = encode(page().filter(ImageFilter.GaussianBlur(8)), "JPEG", quality=85)
    assert codes(scans.check, make_pdf([blurred], inches=(1240 / 300, 1754 / 300))) == "scan_blurred"


def _javascript(writer):
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1);")}
    )
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("hi"), writer._add_object(action)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): tree})


def _launch(writer):
    action = DictionaryObject({NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})
    writer._root_object[NameObject("/OpenAction")] = action


def _open_action_js(writer):
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript")})
    writer._root_object[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): action})


def _attachment(writer):
    writer.add_attachment("notes.txt", b"hidden")


def _annotation(writer):
    annotation = DictionaryObject({NameObject("/Subtype"): NameObject("/FileAttachment")})
    writer.pages[0][NameObject("/Annots")] = ArrayObject([annotation])


def _embedded_stream(writer):
    stream = DecodedStreamObject()
    stream.update({NameObject("/Type"): NameObject("/EmbeddedFile")})
    writer._add_object(stream)


def _xfa(writer):
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/XFA"): ArrayObject()})


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        (_javascript, "scan_javascript"),
        (_launch, "scan_launch_action"),
        (_open_action_js, "scan_javascript"),
        (_attachment, "scan_embedded_file"),
        (_annotation, "scan_embedded_file"),
        (_embedded_stream, "scan_embedded_file"),
        (_xfa, "scan_xfa_form"),
    ],
)
def test_pdf_unsafe_content(make_pdf, scan_jpeg, extra, code):
    """Active and hidden content is refused wherever it sits."""
    data = make_pdf([scan_jpeg], inches=(1240 / 300, 1754 / 300), extra=extra)
    with pytest.raises(UnsafeContent) as info:
        scans.check(data)
    assert info.value.code == code


def test_pdf_too_many_objects(make_pdf, scan_jpeg, monkeypatch):
    """A PDF with more objects than a scan needs is refused."""
    monkeypatch.setattr(scans, "MAX_PDF_OBJECTS", 3)
    assert codes(scans.check, make_pdf([scan_jpeg])) == "scan_too_complex"


def test_pdf_too_many_pages(make_pdf, monkeypatch):
    """A PDF with more pages than allowed is refused."""
    monkeypatch.setattr(scans, "MAX_PAGES", 2)
    assert codes(scans.check, make_pdf(blank_pages=3)) == "scan_too_many_pages"


def test_pdf_without_pages(make_pdf):
    """A PDF without pages is damaged."""
    assert codes(scans.check, make_pdf()) == "scan_damaged"


def test_pdf_encrypted(make_pdf, scan_jpeg):
    """An encrypted PDF is refused, even with an empty password."""
    assert codes(scans.check, make_pdf([scan_jpeg], password="")) == "scan_encrypted"


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nendobj\n%%EOF", b"junk%PDF-" + bytes(100)],
)
def test_pdf_garbage(data):
    """Bytes that only start like a PDF are damaged."""
    assert codes(scans.check, data) == "scan_damaged"


def test_warning_filters_are_restored(good_png):
    """The check changes warning filters only while it runs."""
    import warnings

    before = list(warnings.filters)
    scans.check(good_png)
    assert warnings.filters == before


def test_scan_info_is_frozen(good_png):
    """ScanInfo cannot be changed."""
    info = scans.check(good_png)
    with pytest.raises(AttributeError):
        info.kind = "pdf"  # type: ignore[misc]


def test_path_that_does_not_exist():
    """A missing path is the caller's error, not a verdict on a file."""
    with pytest.raises(FileNotFoundError):
        scans.check(Path("/nonexistent/scan.png"))
