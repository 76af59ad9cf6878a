"""Fixtures for the validators tests: scan files built at test time, and the shared corpus."""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

#: ``shared/corpus`` beside the repository root (``<root>/../shared/corpus``).
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared test corpus; the test is skipped when it is not there."""
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is missing ({CORPUS})")
    return CORPUS


def _page(width: int, height: int) -> Image.Image:
    """A white page with lines of dark text: a stand-in for a scanned document."""
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=max(12, height // 60))
    for y in range(height // 10, height * 9 // 10, max(20, height // 30)):
        draw.text((width // 12, y), "P<UTOERIKSSON<<ANNA<MARIA 1234 567890", fill=20, font=font)
    return image


@pytest.fixture(scope="session")
def page() -> Callable[..., Image.Image]:
    """Build a text page of the given size (cached per size)."""
    cache: dict[tuple[int, int], Image.Image] = {}

    def build(width: int = 1240, height: int = 1754) -> Image.Image:
        if (width, height) not in cache:
            cache[(width, height)] = _page(width, height)
        return cache[(width, height)].copy()

    return build


@pytest.fixture(scope="session")
def encode() -> Callable[..., bytes]:
    """Encode an image as JPEG, PNG or other Pillow formats, with a resolution."""

    def build(image: Image.Image, kind: str = "PNG", dpi: tuple[float, float] | None = (300, 300), **options):
        buffer = io.BytesIO()
        if dpi is not None:
            options["dpi"] = dpi
        image.save(buffer, kind, **options)
        return buffer.getvalue()

    return build


@pytest.fixture(scope="session")
def good_png(page, encode) -> bytes:
    """A valid 300 dpi PNG scan."""
    return encode(page(), "PNG")


@pytest.fixture(scope="session")
def good_jpeg(page, encode) -> bytes:
    """A valid 300 dpi JPEG scan."""
    return encode(page().convert("RGB"), "JPEG", quality=90)


def png_header_only(width: int, height: int) -> bytes:
    """A 1-bit PNG of the given size whose rows are all zero: tiny on disk, huge in memory."""
    import struct

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" * (1 + (width + 7) // 8)
    compressor = zlib.compressobj(9)
    body = b"".join(compressor.compress(row) for _ in range(min(height, 64))) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


@pytest.fixture(scope="session")
def pixel_bomb() -> Callable[[int, int], bytes]:
    """Build a PNG that declares ``width × height`` pixels."""
    return png_header_only


@pytest.fixture(scope="session")
def make_pdf() -> Callable[..., bytes]:
    """Build a PDF with pypdf: one page per image, drawn over ``inches`` of the page."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

    def build(
        images: list[bytes | None] | None = None,
        inches: tuple[float, float] = (8.27, 11.69),
        blank_pages: int = 0,
        content: bytes | None = None,
        extra: Callable[[PdfWriter], None] | None = None,
        password: str | None = None,
    ) -> bytes:
        writer = PdfWriter()
        width, height = inches[0] * 72, inches[1] * 72
        for jpeg in images or []:
            page = writer.add_blank_page(width, height)
            xobjects = DictionaryObject()
            draw = b""
            if jpeg is not None:
                with Image.open(io.BytesIO(jpeg)) as image:
                    size = image.size
                stream = DecodedStreamObject()
                stream.set_data(jpeg)
                stream.update(
                    {
                        NameObject("/Type"): NameObject("/XObject"),
                        NameObject("/Subtype"): NameObject("/Image"),
                        NameObject("/Width"): NumberObject(size[0]),
                        NameObject("/Height"): NumberObject(size[1]),
                        NameObject("/ColorSpace"): NameObject("/DeviceGray"),
                        NameObject("/BitsPerComponent"): NumberObject(8),
                        NameObject("/Filter"): NameObject("/DCTDecode"),
                    }
                )
                xobjects[NameObject("/Im0")] = writer._add_object(stream)
                draw = f"q {width:.2f} 0 0 {height:.2f} 0 0 cm /Im0 Do Q".encode()
            contents = DecodedStreamObject()
            contents.set_data(content if content is not None else draw)
            page[NameObject("/Contents")] = writer._add_object(contents)
            page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
        for _ in range(blank_pages):
            writer.add_blank_page(width, height)
        if extra is not None:
            extra(writer)
        if password is not None:
            writer.encrypt(password)
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    return build


@pytest.fixture(scope="session")
def scan_jpeg(page, encode) -> bytes:
    """A greyscale JPEG of an A4 page at 150 dpi of pixels (shown at 300 dpi on a smaller page)."""
    return encode(page(1240, 1754), "JPEG", quality=85)


def scan_error_code(function: Callable[..., object], *args: object, **kwargs: object) -> str:
    """The code of the ScanError that ``function`` raises."""
    from validators import ScanError

    with pytest.raises(ScanError) as info:
        function(*args, **kwargs)
    return info.value.code
