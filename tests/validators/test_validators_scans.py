"""Tests for validators.scans: types, names, decoding, resolution, sharpness and PDF safety."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFilter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from validators import (
    ExtensionMismatch,
    FileDamaged,
    FileEmpty,
    FileTooLarge,
    FileTypeNotAllowed,
    ResolutionTooLow,
    ScanError,
    UnsafeContent,
    scans,
)
from validators.scans import images

MB = 1024 * 1024


def codes(function, *args, **kwargs) -> str:
    """The code of the ScanError that ``function`` raises."""
    with pytest.raises(ScanError) as info:
        function(*args, **kwargs)
    return info.value.code


def test_png_scan_is_accepted(good_png):
    """A sharp 300 dpi PNG passes and is described."""
    info = scans.check(good_png, "passport.png")
    assert (info.kind, info.mime_type, info.pages, info.dpi) == ("png", "image/png", 1, 300)
    assert (info.width, info.height, info.size) == (1240, 1754, len(good_png))
    assert info.sha256 == hashlib.sha256(good_png).hexdigest()
    assert info.sharpness > scans.MIN_SHARPNESS


def test_jpeg_scan_is_accepted(good_jpeg):
    """A sharp 300 dpi JPEG passes; its sharpness is measured on a reduced decode."""
    info = scans.check(good_jpeg, "Passport.JPG")
    assert (info.kind, info.mime_type, info.dpi) == ("jpeg", "image/jpeg", 300)
    assert info.sharpness > scans.MIN_SHARPNESS


@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview])
def test_bytes_like_input(good_png, wrap):
    """Bytes, bytearray and memoryview are all accepted."""
    assert scans.check(wrap(good_png)).kind == "png"


def test_path_input_uses_the_file_name(good_png, tmp_path):
    """A path is read, and its name's extension is judged."""
    right, wrong = tmp_path / "scan.png", tmp_path / "scan.pdf"
    right.write_bytes(good_png)
    wrong.write_bytes(good_png)
    assert scans.check(right).kind == "png"
    assert scans.check(str(right)).kind == "png"
    assert codes(scans.check, wrong) == "scan_extension_mismatch"
    assert scans.check(wrong, name="upload").kind == "png"


def test_file_object_is_rewound(good_png):
    """A seekable file is read from its start and left at its start."""
    handle = io.BytesIO(good_png)
    handle.seek(100)
    assert scans.check(handle).size == len(good_png)
    assert handle.tell() == 0


class Trickle:
    """A non-seekable stream that returns a few bytes per read, with a name that is not text."""

    name = 7

    def __init__(self, data: bytes) -> None:
        self.data, self.reads = data, 0

    def read(self, size: int) -> bytes:
        chunk, self.data = self.data[: min(size, 65536)], self.data[min(size, 65536) :]
        self.reads += 1
        return chunk


def test_short_reads_are_joined(good_png):
    """A stream returning short reads is read to the end; no seekable() is needed."""
    stream = Trickle(good_png)
    assert scans.check(stream).size == len(good_png)
    assert stream.reads > 2


class BrokenSeek(io.BytesIO):
    """A stream whose seekable() fails."""

    def seekable(self) -> bool:
        raise OSError("closed")


def test_seekable_failure_is_tolerated(good_png):
    """A stream whose seekable() raises is read once, without seeking."""
    assert scans.check(BrokenSeek(good_png)).kind == "png"


def test_reads_at_most_max_bytes_plus_one():
    """Only max_bytes + 1 bytes are read from a stream."""
    stream = Trickle(b"x" * (3 * MB))
    with pytest.raises(FileTooLarge) as info:
        scans.check(stream, max_bytes=MB)
    assert stream.data == b"x" * (2 * MB - 1)
    assert info.value.params["max_size"] == "1"


def test_empty_file():
    """An empty file is refused."""
    with pytest.raises(FileEmpty):
        scans.check(b"")


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"GIF87a", "GIF"),
        (b"II*\x00", "TIFF"),
        (b"MM\x00*", "TIFF"),
        (b"BM", "BMP"),
        (b"\x00\x00\x00\x0cjP  \r\n", "JPEG 2000"),
        (b"\xffO\xffQ", "JPEG 2000"),
        (b"8BPS", "Photoshop"),
        (b"PK\x03\x04", "ZIP"),
        (b"\x00\x00\x00\x18ftypheic", "HEIC"),
        (b"\x00\x00\x00\x18ftypisom", "video"),
        (b"RIFF\x00\x00\x00\x00WEBPVP8 ", "WebP"),
        (b"hello world", "unknown"),
    ],
)
def test_types_not_allowed(head, kind):
    """Other types are refused by their content and named in the error."""
    with pytest.raises(FileTypeNotAllowed) as info:
        scans.check(head + bytes(64))
    assert info.value.params["kind"] == kind


@pytest.mark.parametrize(
    "markup",
    [b"<html><script>alert(1)</script></html>", b"<SVG onload=alert(1)>", b"<iframe src=x>", b"javascript:alert(1)"],
)
def test_polyglots_with_markup_are_refused(good_png, markup):
    """A real PNG carrying HTML or SVG (appended, or in a text chunk) is refused as HTML."""
    with pytest.raises(FileTypeNotAllowed) as info:
        scans.check(good_png + markup)
    assert info.value.params["kind"] == "HTML"
    image = Image.open(io.BytesIO(good_png))
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", markup.decode())
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(300, 300), pnginfo=text)
    assert codes(scans.check, buffer.getvalue()) == "scan_type_not_allowed"


def test_allowed_types_can_be_narrowed(good_png):
    """``allowed`` limits the accepted types."""
    assert codes(scans.check, good_png, allowed=("pdf",)) == "scan_type_not_allowed"


@pytest.mark.parametrize("name", ["scan", ".png", "scan.PNG", "C:\\\\scans\\\\scan.png", None])
def test_names_that_agree_or_say_nothing(good_png, name):
    """A matching extension, or none at all, passes."""
    assert scans.check(good_png, name).kind == "png"


@pytest.mark.parametrize("name", ["scan.jpg", "scan.gif", "scan.png.exe", "scan.pdf"])
def test_names_that_disagree(good_png, name):
    """An extension that disagrees with the content is refused."""
    with pytest.raises(ExtensionMismatch) as info:
        scans.check(good_png, name)
    assert info.value.params["kind"] == "PNG"


def test_low_resolution_metadata(page, encode):
    """A 72 dpi scan is refused with its resolution."""
    with pytest.raises(ResolutionTooLow) as info:
        scans.check(encode(page(), "PNG", dpi=(72, 72)))
    assert info.value.code == "scan_resolution_too_low"
    assert info.value.params == {"dpi": 72, "min_dpi": 300}


def test_missing_metadata_is_judged_by_pixels(page, encode):
    """Without resolution metadata a large image passes and a small one is refused."""
    info = scans.check(encode(page(), "PNG", dpi=None))
    assert info.dpi is None
    small = encode(page(600, 400), "PNG", dpi=None)
    assert codes(scans.check, small) == "scan_too_few_pixels"
    assert scans.check(small, min_dpi=100).dpi is None


@pytest.mark.parametrize("dpi", [(0, 0), (0.5, 0.5)])
def test_meaningless_metadata_is_ignored(page, encode, dpi):
    """A resolution of 0 (or below 1) is no resolution."""
    assert scans.check(encode(page(), "PNG", dpi=dpi)).dpi is None


def test_odd_metadata_types():
    """Resolution metadata that is not a pair of numbers is ignored."""
    assert images.metadata_dpi({"dpi": "high"}) is None
    assert images.metadata_dpi({"dpi": (float("inf"), 300)}) is None
    assert images.metadata_dpi({}) is None


def test_blurred_photo(page, encode):
    """A clearly blurred image is refused; the threshold is a parameter."""
    blurred = encode(page().filter(ImageFilter.GaussianBlur(8)).convert("RGB"), "JPEG", quality=90)
    with pytest.raises(ScanError) as info:
        scans.check(blurred)
    assert info.value.code == "scan_blurred"
    assert info.value.params["min_sharpness"] == scans.MIN_SHARPNESS
    assert scans.check(blurred, min_sharpness=0).sharpness < scans.MIN_SHARPNESS


def test_blank_page_is_refused(encode):
    """A blank page has no sharpness at all."""
    assert codes(scans.check, encode(Image.new("L", (1240, 1754), 255), "PNG")) == "scan_blurred"


@pytest.mark.parametrize("mode", ["1", "P", "LA", "RGBA", "I;16"])
def test_image_modes(page, encode, mode):
    """Every PNG mode is measured (16-bit, palette, bilevel, alpha)."""
    image = page()
    if mode == "I;16":
        image = image.convert("I").point(lambda value: value * 256).convert("I;16")
    else:
        image = image.convert(mode)
    assert scans.check(encode(image, "PNG")).sharpness > scans.MIN_SHARPNESS


def test_cmyk_jpeg(page, encode):
    """A CMYK JPEG is decoded and measured."""
    data = encode(page().convert("CMYK"), "JPEG", quality=90)
    assert scans.check(data).kind == "jpeg"


@pytest.mark.parametrize("seed", range(5))
def test_tile_variance_is_pillows_figure(page, seed):
    """The tiles' variance is exactly ImageStat's, which MIN_SHARPNESS was calibrated on."""
    import random

    from PIL import ImageStat

    rng = random.Random(seed)
    size = (rng.randrange(1, 60), rng.randrange(1, 60))
    noise = Image.frombytes("L", size, bytes(rng.randrange(256) for _ in range(size[0] * size[1])))
    edges = page().convert("L").filter(images.LAPLACIAN).crop((0, 0, 200 + 50 * seed, 300))
    for image in (noise, edges, Image.new("L", size, rng.randrange(256))):
        assert images.variance(image) == ImageStat.Stat(image).var[0]


def test_tiny_image_has_no_sharpness(encode):
    """An image too small for the filter scores 0."""
    assert images.sharpness(Image.new("L", (4, 4), 0)) == 0.0
    data = encode(Image.new("L", (5, 5), 0), "PNG", dpi=None)
    assert codes(scans.check, data, min_dpi=1) == "scan_blurred"


@pytest.mark.parametrize("cut", [0.5, 0.9, 0.99])
def test_truncated_files(good_png, good_jpeg, cut):
    """Truncated PNGs and JPEGs are damaged."""
    assert codes(scans.check, good_png[: int(len(good_png) * cut)]) == "scan_damaged"
    assert codes(scans.check, good_jpeg[: int(len(good_jpeg) * cut)]) == "scan_damaged"


def test_corrupt_png_checksum(good_png):
    """A PNG whose chunk checksum is wrong is damaged (verify catches it)."""
    data = bytearray(good_png)
    data[len(data) // 2] ^= 0xFF
    with pytest.raises(FileDamaged):
        scans.check(bytes(data))


@pytest.mark.parametrize(
    ("width", "height"),
    [(8000, 8000), (10000, 10000), (15000, 15000)],
    ids=["over-our-limit", "pillow-warning", "pillow-error"],
)
def test_pixel_bombs(pixel_bomb, width, height):
    """Images with too many pixels are refused before decoding, whatever Pillow's own limits say."""
    with pytest.raises(UnsafeContent) as info:
        scans.check(pixel_bomb(width, height), min_dpi=1)
    assert info.value.code == "scan_too_many_pixels"


def test_pixel_limit_is_a_parameter(pixel_bomb):
    """A smaller pixel limit refuses smaller images."""
    assert codes(scans.check, pixel_bomb(3000, 3000), max_pixels=1_000_000) == "scan_too_many_pixels"


# PDF ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scan_jpeg(page, encode) -> bytes:
    """A greyscale JPEG of an A4 page at 150 dpi of pixels (shown at 300 dpi on a smaller page)."""
    return encode(page(1240, 1754), "JPEG", quality=85)


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


# Markup: searched only where the file can be read as text -------------------------------------

A4_300 = (1240 / 300, 1754 / 300)
SPRINKLES = (b"<svg onload=alert(1)>", b"<SCRIPT>", b"javascript:")


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk with its length and checksum."""
    import struct
    import zlib

    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with(png: bytes, chunk: bytes) -> bytes:
    """The PNG with ``chunk`` inserted right after IHDR."""
    return png[:33] + chunk + png[33:]


def sprinkled(jpeg: bytes) -> bytes:
    """The JPEG with markup written over bytes in the middle of its last scan's entropy-coded data.

    The decoder reads them as (wrong) coefficients, as it would bytes that happened to spell them.
    """
    start = jpeg.rindex(b"\xff\xda")
    start += 2 + int.from_bytes(jpeg[start + 2 : start + 4], "big")
    middle = (start + len(jpeg)) // 2
    text = b" ".join(SPRINKLES)
    return jpeg[:middle] + text + jpeg[middle + len(text) :]


def html(function, *args) -> bool:
    """Whether ``function`` refuses the file as HTML."""
    with pytest.raises(FileTypeNotAllowed) as info:
        function(*args)
    return info.value.params["kind"] == "HTML"


def test_markup_in_png_pixels_is_accepted(page, encode):
    """Pixel rows that spell markup, stored as they are in the IDAT data, are pixels, not markup."""
    image = page()
    text = b" ".join(SPRINKLES)
    for y in range(100, image.height, 50):
        image.paste(Image.frombytes("L", (len(text), 1), text), (100, y))
    # Pillow filters the rows; stored deflate blocks of unfiltered rows keep the bytes as they are.
    import zlib

    encoded = encode(image, "PNG")
    rows = b"".join(b"\0" + image.tobytes()[y * image.width : (y + 1) * image.width] for y in range(image.height))
    start, end = encoded.index(b"IDAT") - 4, encoded.rindex(b"IEND") - 4
    png = encoded[:start] + png_chunk(b"IDAT", zlib.compress(rows, 0)) + encoded[end:]
    assert all(sprinkle in png for sprinkle in SPRINKLES)
    assert scans.check(png).kind == "png"


@pytest.mark.parametrize(
    "options", [{}, {"progressive": True}, {"restart_marker_rows": 1}], ids=["baseline", "progressive", "restarts"]
)
def test_markup_in_jpeg_entropy_data_is_accepted(page, encode, options):
    """Entropy-coded data that spells markup is accepted: baseline, progressive, with restart markers."""
    jpeg = sprinkled(encode(page().convert("RGB"), "JPEG", quality=90, **options))
    assert (b"\xff\xd0" in jpeg) == ("restart_marker_rows" in options)
    assert scans.check(jpeg).kind == "jpeg"
    with pytest.raises(FileTypeNotAllowed):
        scans.check(jpeg + b"<svg>")


def test_markup_in_pdf_image_stream_is_accepted(make_pdf, scan_jpeg):
    """A PDF image stream's bytes are not searched."""
    jpeg = sprinkled(scan_jpeg)
    assert scans.check(make_pdf([jpeg], inches=A4_300)).kind == "pdf"


def test_markup_in_png_text_chunks_is_refused(good_png):
    """tEXt, zTXt and iTXt (compressed or not) are text; so is anything after IEND or in the head."""
    import zlib

    from PIL import PngImagePlugin

    image = Image.open(io.BytesIO(good_png))
    for add in (
        lambda info: info.add_text("Comment", "<svg onload=alert(1)>", zip=True),
        lambda info: info.add_itxt("Comment", "<svg onload=alert(1)>", "en", "Comment", zip=True),
        lambda info: info.add_itxt("Comment", "<svg onload=alert(1)>", zip=False),
    ):
        info = PngImagePlugin.PngInfo()
        add(info)
        buffer = io.BytesIO()
        image.save(buffer, "PNG", dpi=(300, 300), pnginfo=info)
        assert html(scans.check, buffer.getvalue())
    # Compressed text hidden from the raw bytes: found only once inflated.
    hidden = png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"x" * 5000 + b"<script>"))
    assert b"<script>" not in hidden
    assert html(scans.check, png_with(good_png, hidden))
    assert html(scans.check, good_png + b"\0" * 100 + b"<script>")
    assert codes(scans.check, b"<html>" + good_png) == "scan_type_not_allowed"


def test_png_text_chunks_that_do_not_inflate(good_png):
    """A text chunk that is not zlib is unreadable, so harmless; one that inflates past 1 MiB is damaged."""
    import zlib

    broken = png_chunk(b"zTXt", b"Comment\0\0not zlib at all")
    assert scans.check(png_with(good_png, broken)).kind == "png"
    huge = png_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(bytes(2 * MB)))
    assert codes(scans.check, png_with(good_png, huge)) == "scan_damaged"


def test_png_walk_runs_off_the_end(good_png):
    """A chunk longer than the file, or a file without IEND, leaves the verdict to the decoder."""
    iend = good_png.rindex(b"IEND") - 4
    assert codes(scans.check, good_png[:iend]) == "scan_damaged"
    assert codes(scans.check, good_png[:iend] + png_chunk(b"tEXt", b"Comment\0<svg>")[:-10]) != "scan_ok"
    tiny = png_with(good_png, png_chunk(b"IDAT", b""))
    assert codes(scans.check, tiny) == "scan_damaged"


def test_markup_in_jpeg_segments_and_after_eoi_is_refused(good_jpeg):
    """COM and APPn segments, and anything after the first real EOI (even before a fake one), are refused."""
    for segment in (b"\xff\xfe\x00\x10<svg onload=1>", b"\xff\xef\x00\x10javascript:xyz"):
        assert html(scans.check, good_jpeg[:2] + segment + good_jpeg[2:])
    assert html(scans.check, good_jpeg + b"<html>")
    assert html(scans.check, good_jpeg + b"\0" * 64 + b"<script>alert(1)</script>\xff\xd9")


def test_jpeg_walk_odd_markers(good_jpeg):
    """Fill bytes, stuffed zeros, standalone markers and junk before a marker are stepped over."""
    odd = good_jpeg[:2] + b"\xff\xff\xff\x01\xff\x00junk" + good_jpeg[2:]
    assert codes(scans.check, odd) == "scan_damaged"  # libjpeg's verdict, not a markup one
    sos = good_jpeg.index(b"\xff\xda")
    assert html(scans.check, good_jpeg[:sos] + bytes(2000) + b"<svg>" + good_jpeg[sos:])
    cut = good_jpeg[: len(good_jpeg) // 2]
    assert codes(scans.check, cut.rstrip(b"\xff")) == "scan_damaged"


def test_markup_in_pdf_text_is_refused(make_pdf, scan_jpeg):
    """A PDF's dictionaries are text, and so is anything after its last %%EOF."""
    pdf = make_pdf([scan_jpeg], inches=A4_300)
    link = pdf.replace(b"/Producer (pypdf)", b"/URI (javascript:alert(1))")
    assert link.index(b"javascript:") < link.rindex(b"stream")  # inside the objects, not in the head
    assert html(scans.check, link)
    assert html(scans.check, pdf + b"\n<script>alert(1)</script>\n")
    assert html(scans.check, pdf + b"\nstream\n<svg>\nendstream\n")


def test_pdf_stream_without_end(make_pdf, scan_jpeg):
    """A stream that never ends, or a file without %%EOF, is searched to its end and left to pypdf."""
    pdf = make_pdf([scan_jpeg], inches=A4_300)
    cut = pdf[: pdf.index(b"endstream")]
    assert codes(scans.check, cut) == "scan_damaged"
    assert html(scans.check, cut + b"<svg>")


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_any_bytes_in_the_compressed_data(good_png, good_jpeg, data):
    """Bytes written over the compressed data give a verdict, never a crash; in IDAT never a markup one."""
    kind = data.draw(st.sampled_from(["png", "jpeg"]))
    original = good_png if kind == "png" else good_jpeg
    start = original.index(b"IDAT") + 4 if kind == "png" else original.rindex(b"\xff\xda") + 14
    end = original.rindex(b"IEND") - 8 if kind == "png" else len(original) - 2
    noise = data.draw(st.binary(min_size=1, max_size=64))
    position = data.draw(st.integers(start + 16, end - 16 - len(noise)))
    mutated = original[:position] + noise + original[position + len(noise) :]
    try:
        scans.check(mutated)
    except FileTypeNotAllowed as exc:
        assert kind == "jpeg", "the PNG's chunk list is intact: its IDAT data is not searched"
        assert exc.params["kind"] == "HTML"
    except ScanError as exc:
        assert exc.code and str(exc)
