"""scans.sanitise: what is stored holds the image and nothing else (issue 13, item 8)."""

from __future__ import annotations

import io
import logging
import os
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageOps, PngImagePlugin
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, TextStringObject

from validators import ValidationError, scans

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
LENIENT = {"min_dpi": 1, "min_sharpness": 0}
GPS = {1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)}


def exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: camera, date, GPS position and orientation."""
    tags = Image.Exif()
    tags[0x010F], tags[0x0110], tags[0x0132] = "PhoneMaker", "Phone 15", "2025:01:10 12:00:00"
    tags[0x0112] = orientation
    tags.get_ifd(0x8825).update(GPS)
    return tags


def pixels(data: bytes) -> tuple[tuple[int, int], bytes]:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        return image.size, image.tobytes()


#: What a camera held turned does to the pixels it stores: the inverse of what each EXIF orientation asks for.
STORED_AS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def photo(page, encode, orientation: int = 1, **options) -> bytes:
    """A phone-style JPEG of a text page with EXIF (GPS included) and the given orientation.

    Shown as its orientation asks, the page (1300 × 900) is upright, as from a phone held turned.
    """
    image = page(1300, 900).convert("RGB")
    if orientation in STORED_AS:
        image = image.transpose(STORED_AS[orientation])
    return encode(image, "JPEG", quality=90, exif=exif(orientation), **options)


def segments(jpeg: bytes) -> list[int]:
    """The markers of a JPEG's segments up to its first scan."""
    markers, position = [], 2
    while jpeg[position + 1] != 0xDA:
        markers.append(jpeg[position + 1])
        position += 2 + int.from_bytes(jpeg[position + 2 : position + 4], "big")
    return markers


def chunks(png: bytes) -> list[bytes]:
    names, position = [], 8
    while position < len(png):
        length = int.from_bytes(png[position : position + 4], "big")
        names.append(png[position + 4 : position + 8])
        position += 12 + length
    return names


def test_jpeg_loses_gps_exif_and_keeps_its_pixels(page, encode):
    """A phone JPEG comes out with no EXIF (no GPS, camera, date) and exactly the same decoded pixels."""
    original = photo(page, encode)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    clean = scans.sanitise(original, "photo.jpg")
    assert b"Exif" not in clean.data and b"PhoneMaker" not in clean.data
    assert not Image.open(io.BytesIO(clean.data)).getexif()
    assert pixels(clean.data) == pixels(original)
    assert Image.open(io.BytesIO(clean.data)).info["dpi"] == (300, 300)
    assert clean.removed == ("exif",) and not clean.reencoded
    assert (clean.info.size, clean.kind, clean.content_type) == (len(clean.data), "jpeg", "image/jpeg")
    assert segments(clean.data)[0] == 0xE0 and not {0xE1, 0xE2, 0xFE} & set(segments(clean.data))


@pytest.mark.parametrize(
    ("orientation", "swapped", "rotation"),
    [(3, False, 180), (6, True, 90), (8, True, 270), (5, True, 90), (2, False, 0)],
)
def test_orientation_is_applied_and_dropped(page, encode, orientation, swapped, rotation):
    """An image marked as turned is stored upright with no orientation tag, its sides swapped if so."""
    original = photo(page, encode, orientation)
    assert pixels(original)[0] == ((900, 1300) if swapped else (1300, 900))
    assert scans.check(original, "photo.jpg").rotation == rotation
    clean = scans.sanitise(original, "photo.jpg")
    assert clean.rotation == clean.info.rotation == rotation
    with Image.open(io.BytesIO(original)) as image:
        upright = ImageOps.exif_transpose(image).convert("L")
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert stored.size == (1300, 900) == upright.size
        assert 0x0112 not in stored.getexif() and b"Exif" not in clean.data
        difference = sum(abs(a - b) for a, b in zip(stored.convert("L").tobytes(), upright.tobytes(), strict=True))
    assert difference / (1300 * 900) < 3  # the same picture, turned, within JPEG's rounding
    assert (clean.info.width, clean.info.height) == upright.size
    assert clean.reencoded and "orientation" in clean.removed


def test_upright_jpeg_keeps_its_quantisation_and_subsampling(page, encode):
    """An image encoded again to turn it keeps the original's quantisation tables and chroma subsampling."""
    from PIL import JpegImagePlugin

    original = photo(page, encode, 6, subsampling=0)
    clean = scans.sanitise(original, "photo.jpg")
    with Image.open(io.BytesIO(original)) as before, Image.open(io.BytesIO(clean.data)) as after:
        assert after.quantization == before.quantization
        assert JpegImagePlugin.get_sampling(after) == JpegImagePlugin.get_sampling(before) == 0


def test_jpeg_comments_xmp_icc_and_trailing_bytes_are_removed(page, encode):
    """Comments, XMP, an ICC profile and bytes after the end marker are gone; the pixels stay."""
    xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description GPSLatitude='55,45N'/></x:xmpmeta>"
    from PIL import ImageCms

    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = encode(
        page(1300, 900).convert("RGB"), "JPEG", comment=b"<p onmouseover=alert(1)>", icc_profile=icc, xmp=xmp[29:]
    )
    original += b"<div onclick=alert(2)>after the end</div>"
    clean = scans.sanitise(original, "scan.jpg")
    for hidden in (b"onmouseover", b"xmpmeta", b"GPSLatitude", b"onclick", b"after the end", icc[36:60]):
        assert hidden not in clean.data
    assert clean.data.endswith(b"\xff\xd9")
    assert pixels(clean.data) == pixels(original[: original.rindex(b"\xff\xd9") + 2])
    assert set(clean.removed) == {"comment", "icc_profile", "trailing_data", "xmp"}


def test_img_onerror_polyglots_are_refused(good_jpeg):
    """``<img src=x onerror=…>`` in a JPEG comment or after its end marker is refused as HTML."""
    payload = b"<img src=x onerror=alert(document.domain)>"
    comment = len(payload) + 2
    in_comment = good_jpeg[:2] + b"\xff\xfe" + comment.to_bytes(2, "big") + payload + good_jpeg[2:]
    for data in (in_comment, good_jpeg + payload, good_jpeg + b"\n<IMG SRC=x>"):
        with pytest.raises(ValidationError) as info:
            scans.sanitise(data, "scan.jpg")
        assert (info.value.code, info.value.params) == ("scan_type_not_allowed", {"kind": "HTML"})


def test_png_text_exif_and_trailing_bytes_are_removed(page, encode):
    """A PNG's tEXt, zTXt, iTXt, eXIf, time and private chunks and its trailing bytes are gone; pixels and dpi stay."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<div onclick=alert(1)>taken at home</div>")
    info.add_text("Author", "Anna Eriksson", zip=True)
    info.add_itxt("Description", "<p>Москва</p>", lang="ru")
    info.add(b"tIME", bytes(7))
    info.add(b"prVt", b"<b>private</b>")
    original = encode(page(), "PNG", pnginfo=info, exif=exif()) + b"<p>after IEND</p>"
    clean = scans.sanitise(original, "scan.png")
    assert list(dict.fromkeys(chunks(clean.data))) == [b"IHDR", b"pHYs", b"IDAT", b"IEND"]
    for hidden in (b"onclick", b"Eriksson", b"Description", b"private", b"after IEND", b"Exif", b"PhoneMaker"):
        assert hidden not in clean.data
    assert zlib.compress(b"Anna Eriksson") not in clean.data
    assert pixels(clean.data) == pixels(original) and not clean.reencoded
    assert Image.open(io.BytesIO(clean.data)).info["dpi"] == pytest.approx((300, 300), abs=0.01)
    assert set(clean.removed) == {"exif", "metadata", "text", "trailing_data"}


def test_png_with_orientation_is_stored_upright(page, encode):
    """A PNG whose eXIf says it is turned is stored turned, without the tag."""
    original = encode(page(1300, 900).transpose(STORED_AS[6]), "PNG", exif=exif(6))
    clean = scans.sanitise(original, "scan.png")
    with Image.open(io.BytesIO(clean.data)) as stored:
        assert stored.size == (1300, 900) and not stored.getexif()
    assert clean.rotation == 90
    assert chunks(clean.data)[-1] == b"IEND" and b"eXIf" not in clean.data


def test_markup_moved_to_the_front_is_reencoded(page, encode):
    """Markup in compressed data that stripping would move within a browser's sniffing reach is re-encoded away."""
    original = encode(page(1300, 900).convert("RGB"), "JPEG", quality=90, comment=b"x" * 4000)
    start = original.index(b"\xff\xda")
    start += 2 + int.from_bytes(original[start + 2 : start + 4], "big") + 40
    crafted = original[:start] + b"<script>alert(1)</script>" + original[start + 25 :]
    assert scans.check(crafted, **LENIENT)  # the markup lies in pixel data beyond the first 1024 bytes
    clean = scans.sanitise(crafted, **LENIENT)
    assert clean.reencoded and b"<script" not in clean.data[:1024]
    assert scans.check(clean.data, **LENIENT).width == 1300


def test_adobe_cmyk_jpeg_keeps_its_colours(page, encode):
    """A CMYK JPEG keeps its Adobe colour-transform segment, so it decodes to the same pixels."""
    original = encode(page(1300, 900).convert("CMYK"), "JPEG", quality=90)
    assert 0xEE in segments(original)
    clean = scans.sanitise(original, "scan.jpg", **LENIENT)
    assert 0xEE in segments(clean.data) and pixels(clean.data) == pixels(original)


def test_progressive_jpeg_keeps_every_scan(page, encode):
    """A progressive JPEG (tables between its scans) decodes to the same pixels after stripping."""
    original = encode(page(1300, 900).convert("RGB"), "JPEG", progressive=True, exif=exif(), comment=b"hi")
    clean = scans.sanitise(original, "scan.jpg")
    assert pixels(clean.data) == pixels(original) and clean.data.count(b"\xff\xda") > 1


def test_sanitised_bytes_pass_the_check_and_are_stable(good_jpeg, good_png, page, encode):
    """What sanitise returns passes check and sanitises to itself: nothing is left to take out."""
    for data, name in ((photo(page, encode), "a.jpg"), (good_png, "b.png"), (good_jpeg + b"tail", "c.jpg")):
        clean = scans.sanitise(data, name)
        assert scans.check(clean.data, name).sha256 == clean.info.sha256
        again = scans.sanitise(clean.data, name)
        assert again.data == clean.data and again.removed == ()


def _info_xmp_and_actions(writer):
    writer.add_metadata({"/Author": "Anna Eriksson", "/Title": "<p>passport</p>"})
    writer.xmp_metadata = None
    from pypdf.generic import DecodedStreamObject

    xmp = DecodedStreamObject()
    xmp.set_data(b"<x:xmpmeta><rdf:Description pdf:Producer='scanner at 55.75N'/></x:xmpmeta>")
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    uri = DictionaryObject({NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("http://evil/")})
    writer._root_object[NameObject("/OpenAction")] = uri
    page = writer.pages[0]
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0)] * 4),
            NameObject("/A"): uri,
        }
    )
    page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): uri})


def test_pdf_loses_info_xmp_actions_and_trailing_bytes(make_pdf, page, encode):
    """A PDF is stored without document information, XMP, open action, page actions, links or trailing bytes."""
    jpeg = encode(page(1240, 1754), "JPEG", quality=85)
    original = make_pdf([jpeg], inches=(1240 / 300, 1754 / 300), extra=_info_xmp_and_actions) + b"\n<p>tail</p>\n"
    assert scans.check(original, "scan.pdf").pages == 1
    clean = scans.sanitise(original, "scan.pdf")
    for hidden in (b"Eriksson", b"passport", b"xmpmeta", b"55.75N", b"evil", b"/OpenAction", b"/Annots", b"tail"):
        assert hidden not in clean.data
    reader = PdfReader(io.BytesIO(clean.data))
    assert reader.metadata is None and "/Metadata" not in reader.trailer["/Root"]
    assert clean.data.rstrip().endswith(b"%%EOF")
    assert set(clean.removed) == {"actions", "document_info", "trailing_data", "xmp"}
    assert scans.check(clean.data, "scan.pdf").dpi == 300
    assert reader.pages[0]["/Resources"]["/XObject"]["/Im0"].get_object().get_data() == jpeg


def test_pdf_with_javascript_is_refused(make_pdf, page, encode):
    """A PDF with JavaScript is refused by sanitise, as by check."""

    def javascript(writer):
        action = DictionaryObject(
            {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")}
        )
        writer._root_object[NameObject("/OpenAction")] = action

    jpeg = encode(page(1240, 1754), "JPEG", quality=85)
    with pytest.raises(ValidationError) as info:
        scans.sanitise(make_pdf([jpeg], inches=(1240 / 300, 1754 / 300), extra=javascript), "scan.pdf")
    assert info.value.code == "scan_javascript"


def test_xobject_metadata_is_dropped(make_pdf, page, encode):
    """XMP attached to an image drawn on a page is not copied."""
    from pypdf.generic import DecodedStreamObject

    def image_xmp(writer):
        image = writer.pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
        xmp = DecodedStreamObject()
        xmp.set_data(b"<x:xmpmeta>camera serial 1234</x:xmpmeta>")
        image[NameObject("/Metadata")] = writer._add_object(xmp)
        writer.pages[0][NameObject("/PieceInfo")] = DictionaryObject()

    jpeg = encode(page(1240, 1754), "JPEG", quality=85)
    clean = scans.sanitise(make_pdf([jpeg], inches=(1240 / 300, 1754 / 300), extra=image_xmp), "scan.pdf")
    assert b"camera serial" not in clean.data and {"xmp", "metadata"} <= set(clean.removed)


def _corpus_images() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        p for folder in ("pillow", "pypdf") for p in (CORPUS / folder).iterdir() if p.suffix in (".jpg", ".png", ".pdf")
    )


@pytest.fixture(autouse=True)
def _quiet_pypdf():
    logging.disable(logging.WARNING)
    yield
    logging.disable(logging.NOTSET)


def test_corpus_is_there_under_ci():
    """Under CI=true the shared corpus must be present, so the corpus runs below cannot silently skip."""
    if os.environ.get("CI", "").lower() == "true":
        assert CORPUS.is_dir(), f"the shared corpus is missing ({CORPUS})"
    elif not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is missing ({CORPUS})")


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared corpus is missing ({CORPUS})")
@pytest.mark.parametrize("path", _corpus_images(), ids=lambda path: f"{path.parent.name}/{path.name}")
def test_corpus_files_sanitise_to_what_check_accepts(path):
    """A real file that check accepts sanitises to one it accepts again, the same size; others are refused alike."""
    try:
        info = scans.check(path, **LENIENT)
    except ValidationError as exc:
        with pytest.raises(ValidationError) as refused:
            scans.sanitise(path, **LENIENT)
        assert refused.value.code == exc.code
        return
    clean = scans.sanitise(path, **LENIENT)
    again = scans.check(clean.data, **LENIENT)
    assert again.kind == info.kind and again.pages == info.pages
    if "orientation" not in clean.removed:
        assert (again.width, again.height) == (info.width, info.height)


def test_scan_field_cleans_to_the_sanitised_file(page, encode):
    """ScanField's clean value holds the sanitised bytes, described by its scan_info, under the uploaded name."""
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from validators.django import ScanField

    original = photo(page, encode) + b"trailing"
    upload = ScanField().clean(SimpleUploadedFile("photo.jpg", original, content_type="application/octet-stream"))
    data = upload.read()
    assert b"Exif" not in data and data.endswith(b"\xff\xd9") and pixels(data) == pixels(original[:-8])
    assert (upload.name, upload.content_type, upload.size) == ("photo.jpg", "image/jpeg", len(data))
    assert upload.scan_info.sha256 == hashlib.sha256(data).hexdigest() and upload.scan_info.size == len(data)
    assert upload.sanitised.removed == ("exif", "trailing_data")


def test_unknown_page_entries_are_not_copied(make_pdf, page, encode):
    """Page entries other than what is drawn and where (here a private string) are left out of the stored PDF."""
    from pypdf.generic import ByteStringObject

    def private(writer):
        writer.pages[0][NameObject("/Private")] = ByteStringObject(b"Anna Eriksson, 55.75N")

    jpeg = encode(page(1240, 1754), "JPEG", quality=85)
    original = make_pdf([jpeg], inches=(1240 / 300, 1754 / 300), extra=private)
    clean = scans.sanitise(original, "scan.pdf")
    assert b"/Private" not in clean.data and "metadata" in clean.removed
    assert b"/Private" in original


def test_restart_marker_between_segments_is_dropped(good_jpeg):
    """A parameterless marker between segments is stepped over and not copied; the pixels stay."""
    original = good_jpeg[:2] + b"\xff\xd0" + good_jpeg[2:]
    clean = scans.sanitise(original, "scan.jpg")
    assert clean.data[2:4] == b"\xff\xe0" and pixels(clean.data) == pixels(good_jpeg)


def test_markup_that_survives_is_encoded_at_quality_92_then_refused(good_jpeg, monkeypatch):
    """Markup left after encoding with the original tables: quality 92 is tried, then the file is refused."""
    import validators.scans as module

    found = iter([False, True, True, False])  # check, the stripped copy, the first and second encodings
    monkeypatch.setattr(module, "has_markup", lambda data, kind: next(found))
    clean = scans.sanitise(good_jpeg, "scan.jpg")
    assert clean.reencoded and Image.open(io.BytesIO(clean.data)).size == Image.open(io.BytesIO(good_jpeg)).size
    monkeypatch.setattr(module, "has_markup", lambda data, kind: data is not good_jpeg)
    with pytest.raises(ValidationError) as info:
        scans.sanitise(good_jpeg, "scan.jpg")
    assert info.value.params == {"kind": "HTML"}


def test_pdf_with_markup_left_after_rewriting_is_refused(make_pdf, page, encode, monkeypatch):
    """A rewritten PDF in which markup still shows outside streams is refused as HTML."""
    import validators.scans as module

    jpeg = encode(page(1240, 1754), "JPEG", quality=85)
    original = make_pdf([jpeg], inches=(1240 / 300, 1754 / 300))
    monkeypatch.setattr(module, "has_markup", lambda data, kind: data is not original)
    with pytest.raises(ValidationError) as info:
        scans.sanitise(original, "scan.pdf")
    assert (info.value.code, info.value.params) == ("scan_type_not_allowed", {"kind": "HTML"})


def test_a_failure_while_writing_is_damage(good_png, monkeypatch):
    """An unexpected failure while stripping an accepted file is reported as a damaged file, not a crash."""
    import validators.scans as module

    def broken(data):
        raise OSError("unreadable")

    monkeypatch.setattr(module, "strip_png", broken)
    with pytest.raises(ValidationError) as info:
        scans.sanitise(good_png, "scan.png")
    assert info.value.code == "scan_damaged"


def test_scan_validator_still_returns_the_check(good_png):
    """ScanValidator() called on an upload returns the check's ScanInfo, as models' validators use it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from validators.django import ScanValidator

    info = ScanValidator()(SimpleUploadedFile("scan.png", good_png))
    assert isinstance(info, scans.ScanInfo) and info.size == len(good_png)
