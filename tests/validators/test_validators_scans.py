"""Tests for validators.scans: types, names, decoding, resolution and sharpness of images."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image, ImageFilter

from tests.validators.conftest import scan_error_code as codes
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
    """A 150 dpi scan is refused with its resolution."""
    with pytest.raises(ResolutionTooLow) as info:
        scans.check(encode(page(), "PNG", dpi=(150, 150)))
    assert info.value.code == "scan_resolution_too_low"
    assert info.value.params == {"dpi": 150, "min_dpi": 300}


@pytest.mark.parametrize("dpi", [72, 96])
def test_default_resolutions_measure_nothing(page, encode, dpi):
    """72 and 96 dpi are what cameras and editors write: the pixels are judged instead."""
    info = scans.check(encode(page(), "PNG", dpi=(dpi, dpi)))
    assert (info.dpi, info.effective_dpi) == (dpi, 520)  # 1754 pixels along the card's 85.6 mm


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
    """A blank page shows no document."""
    assert codes(scans.check, encode(Image.new("L", (1240, 1754), 255), "PNG")) == "scan_no_content"


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
    """Each tile's variance is ImageStat's figure for the tile, which MIN_SHARPNESS was calibrated on."""
    import random

    from PIL import ImageStat

    from validators.scans import analysis

    rng = random.Random(seed)
    grid = analysis.GRID
    size = (grid * rng.randrange(1, 6), grid * rng.randrange(1, 6))
    noise = Image.frombytes("L", size, bytes(rng.randrange(256) for _ in range(size[0] * size[1])))
    edges = page().convert("L").filter(images.LAPLACIAN).crop((0, 0, grid * (4 + seed), grid * 6))
    for image in (noise, edges, Image.new("L", size, rng.randrange(256))):
        width, height = image.width // grid, image.height // grid
        expected = [
            ImageStat.Stat(image.crop((i * width, j * height, (i + 1) * width, (j + 1) * height))).var[0]
            for j in range(grid)
            for i in range(grid)
        ]
        assert analysis.tile_variances(image) == pytest.approx(expected, rel=1e-4, abs=1e-3)


def test_tiny_image_has_no_sharpness(encode):
    """An image too small for the filter scores 0."""
    assert images.sharpness(Image.new("L", (4, 4), 0)) == 0.0
    data = encode(Image.new("L", (5, 5), 0), "PNG", dpi=None)
    assert codes(scans.check, data, min_dpi=1) == "scan_no_content"


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
