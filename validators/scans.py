"""Scans of documents: PDF, JPEG or PNG, small, readable, sharp and harmless.

:func:`check` takes bytes, a path or a binary file (a Django ``UploadedFile`` too) and returns a
:class:`ScanInfo` or raises a :class:`~validators.ScanError`; on any bytes at all it does one or the
other, nothing else. In this order:

1. It reads at most ``max_bytes + 1`` bytes (and seeks a seekable file back to its start): an empty
   file and a file over ``max_bytes`` (5 MB) are refused.
2. The type comes from the content (magic bytes), never from the name; it must be in ``allowed``.
   When a name is given (or the file has one) and has an extension, the extension must agree:
   ``.jpg``/``.jpeg``/``.jpe``/``.jfif`` for JPEG, ``.png``, ``.pdf``; a name without extension is not
   judged.
3. Markup (``<script``, ``<html``, ``<svg``, ``<iframe``, ``<object``, ``<embed``, ``<body`` or
   ``javascript:``, in any case) where the file can be read as text makes it a polyglot, refused as
   HTML. Compressed pixel data is not searched (by chance, ``<svg`` occurs in about one 5 MB file in
   70), everything else is: the first 1024 bytes (what browsers sniff); a PNG's chunks but the
   IDAT/fdAT payloads, the text of zTXt and compressed iTXt chunks inflated (a chunk over 1 MiB
   inflated is refused as damaged, as Pillow refuses it; one that does not inflate is unreadable
   and ignored, as Pillow does), and anything after IEND; a JPEG's marker segments (APPn, COM, ...),
   junk between them, and anything after the first real EOI, found by stepping over the
   entropy-coded data of each scan (stuffed FF00 and restart markers are no markers), so a fake
   FFD9 after the markup hides nothing; a PDF's text outside ``>> stream ... endstream`` bodies,
   and everything after its last ``%%EOF``. The 16 bytes at each edge of a skipped span are
   searched too, so markup that straddles an edge is found. A walk that runs off the end of a
   truncated file stops there and leaves the file to the decoder's verdict. PDF strings are
   searched as written (an escaped ``\072`` colon is not decoded); JavaScript itself is refused by
   object (step 7).
4. Images are decoded for real with Pillow, within a pixel limit (``max_pixels``, default 48
   million: A4 or US Legal at 600 dpi fit); Pillow's decompression-bomb guard becomes
   ``scan_too_many_pixels``. A PNG's chunk checksums are verified, then the image is decoded; a JPEG
   is decoded through ``draft`` at a reduced scale (every compressed block is still read, so
   truncation is caught) which keeps the check cheaper than one full decode.
5. The resolution comes from the metadata (JFIF/EXIF/pHYs) and must be at least ``min_dpi``. With or
   without metadata, the image must hold at least an ID-1 card (85.6 × 54 mm) at ``min_dpi``.
6. Sharpness is the variance of the Laplacian of a greyscale copy reduced to at most 1024 pixels on
   its long side (so the figure does not depend on the resolution), in the sharpest tile of a 4 × 4
   grid (a passport may fill a small part of an A4 scan). A sharp scan of printed text scores in the
   hundreds or thousands, even a single line of it on a white page; text blurred until unreadable
   (a Gaussian blur of 0.4 mm for 2.5 mm letters) scores below :data:`MIN_SHARPNESS` (25), the
   default of ``min_sharpness``. A blank page scores near 0 and is refused too.
7. A PDF is parsed with pypdf. Encrypted PDFs (even with an empty password) are refused, and so is
   any PDF with JavaScript, a launch action, an embedded file or attachment, rich media or an XFA
   form, wherever the object sits. The resolution of each page is that of its largest image: the
   image's pixels against the size it is drawn at (from the content stream's transformation
   matrices). A page without any image is not a scan and is refused (``require_images=False``
   accepts it, with no resolution). Sharpness is measured on the first page's largest image when it
   is a JPEG. At most :data:`MAX_PAGES` pages.

The SHA-256 of a file over 1 MB is computed in a short-lived thread while the file is decoded (both
release the GIL). Warnings raised by Pillow and pypdf are silenced, and Pillow's bomb warning made an
error, inside ``warnings.catch_warnings()`` only for the duration of the check; on Python before 3.14
that context manager is not thread-safe, so a threaded server may briefly see the filters changed.

More information:

* https://pillow.readthedocs.io/en/stable/reference/Image.html#PIL.Image.open (decompression bombs)
* https://pypdf.readthedocs.io/en/stable/user/security.html

>>> import io
>>> from PIL import Image
>>> buffer = io.BytesIO()
>>> Image.new('L', (1200, 800), 255).save(buffer, 'PNG', dpi=(72, 72))
>>> check(buffer.getvalue(), 'scan.png')
Traceback (most recent call last):
    ...
validators.ResolutionTooLow: The resolution is 72 dpi; scan at 300 dpi or more.
>>> check(buffer.getvalue(), 'scan.jpg')
Traceback (most recent call last):
    ...
validators.ExtensionMismatch: The file is named .jpg but is a PNG file: save it again with the right type.
>>> check(b'GIF89a' + bytes(20))
Traceback (most recent call last):
    ...
validators.FileTypeNotAllowed: This is a GIF file; upload a PDF, JPEG or PNG file.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import re
import threading
import warnings
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import mul
from typing import IO, Any

from PIL import Image, ImageFilter

from validators import (
    ExtensionMismatch,
    FileDamaged,
    FileEmpty,
    FileEncrypted,
    FileTooLarge,
    FileTypeNotAllowed,
    ImageTooBlurred,
    ResolutionTooLow,
    ScanError,
    UnsafeContent,
    ValidationError,
)

__all__ = ["MAX_BYTES", "MAX_PIXELS", "MIN_DPI", "MIN_SHARPNESS", "ScanInfo", "check"]

#: Largest file accepted: 5 MB.
MAX_BYTES = 5 * 1024 * 1024
#: Lowest resolution accepted.
MIN_DPI = 300
#: Most pixels an image may have (A4 at 600 dpi is 34.8 million, US Legal 42.8 million).
MAX_PIXELS = 48_000_000
#: Lowest sharpness (variance of the Laplacian at 1024 pixels) of an image not clearly blurred.
MIN_SHARPNESS = 25.0
#: Most pages a PDF may have.
MAX_PAGES = 100
#: Most objects a PDF may have: a scan has a few dozen, thousands mean a crafted file.
MAX_PDF_OBJECTS = 20_000
#: Largest page content stream followed operator by operator (scans have a few hundred bytes).
MAX_CONTENT_BYTES = 1_000_000
#: Long side of the greyscale copy that sharpness is measured on.
ANALYSIS_SIZE = 1024
#: The smallest document: an ID-1 card, in inches.
_CARD_INCHES = (85.6 / 25.4, 54 / 25.4)

_MIME_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
_EXTENSIONS = {"jpg": "jpeg", "jpeg": "jpeg", "jpe": "jpeg", "jfif": "jpeg", "png": "png", "pdf": "pdf"}
_KIND_NAMES = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}
# Markup inside a scan makes it a polyglot: a browser that sniffed it as HTML or SVG would run it.
# Searched, case-sensitively, in lower-cased copies of the parts that can be read as text only: in
# compressed pixel data "<svg" occurs by chance (about one 5 MB PNG in 70 matched the whole file).
_MARKUP = re.compile(rb"<(?:script|html|svg|iframe|object|embed|body)\b|javascript:")
#: What browsers sniff: always searched, whatever the structure says.
_HEAD = 1024
#: Bytes kept searched at each edge of a skipped payload, so markup straddling its edge is found.
_EDGE = 16
#: Most text inflated from one PNG zTXt or iTXt chunk (Pillow's own limit for text chunks).
_MAX_TEXT = 1024 * 1024
_PNG_PIXELS = (b"IDAT", b"fdAT")
# A JPEG marker in entropy-coded data: FF then anything but a stuffed 00, a restart (D0-D7) or fill.
_JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
# The next FF that is not followed by fill; FF00 and the markers without a length are stepped over.
_JPEG_SYNC = re.compile(rb"\xff[^\xff]")
_JPEG_STANDALONE = frozenset({0x00, 0x01, *range(0xD0, 0xD9)})
_PDF_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_MAGIC = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
    (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"),
    (b"\xffO\xffQ", "JPEG 2000"),
    (b"8BPS", "Photoshop"),
    (b"PK\x03\x04", "ZIP"),
)
_GRID = 4
_HASH_IN_THREAD = 1024 * 1024
_LAPLACIAN = ImageFilter.Kernel((3, 3), (0, 1, 0, 1, -4, 1, 0, 1, 0), scale=1, offset=128)


@dataclass(frozen=True)
class ScanInfo:
    """What :func:`check` found out about an accepted scan."""

    kind: str
    size: int
    width: int | None
    height: int | None
    dpi: int | None
    pages: int
    sha256: str
    sharpness: float | None
    mime_type: str


FileInput = bytes | bytearray | memoryview | str | os.PathLike[str] | IO[bytes] | Any


def _read(file: FileInput, limit: int) -> tuple[bytes, str | None]:
    """Read at most ``limit`` bytes; return them and the file's own name, if it has one."""
    if isinstance(file, bytes | bytearray | memoryview):
        return bytes(file[:limit]), None
    if isinstance(file, str | os.PathLike):
        with open(file, "rb") as handle:
            # Ask for no more than the file holds: read(limit) would reserve the whole limit.
            return handle.read(min(limit, os.fstat(handle.fileno()).st_size + 1)), os.fspath(file)
    seekable = _seekable(file)
    if seekable:
        file.seek(0)
    chunks, remaining = [], limit
    while remaining > 0:
        chunk = file.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    if seekable:
        file.seek(0)
    name = getattr(file, "name", None)
    return b"".join(chunks), name if isinstance(name, str) else None


def _seekable(file: Any) -> bool:
    try:
        return bool(file.seekable())
    except (AttributeError, OSError, ValueError):
        return False


def _sniff(data: bytes) -> str:
    """The type of the content, from its first bytes."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data[4:8] == b"ftyp":
        return "HEIC" if data[8:12] in (b"heic", b"heix", b"mif1", b"msf1") else "video"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    return "unknown"


def _extension(name: str) -> str | None:
    base = os.path.basename(name.replace("\\", "/"))
    stem, dot, extension = base.rpartition(".")
    return extension.lower() if dot and stem else None


def check(
    file: FileInput,
    name: str | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    min_dpi: int = MIN_DPI,
    allowed: Sequence[str] = ("pdf", "jpeg", "png"),
    min_sharpness: float = MIN_SHARPNESS,
    max_pixels: int = MAX_PIXELS,
    require_images: bool = True,
) -> ScanInfo:
    """Check an uploaded scan and describe it; raise a :class:`~validators.ScanError` if refused."""
    data, own_name = _read(file, max_bytes + 1)
    name = name if name is not None else own_name
    if not data:
        raise FileEmpty()
    if len(data) > max_bytes:
        raise FileTooLarge(params={"max_size": f"{max_bytes / 1024 / 1024:g}", "size": len(data)})
    kind = _sniff(data)
    if kind not in allowed:
        raise FileTypeNotAllowed(params={"kind": _KIND_NAMES.get(kind, kind)})
    if _has_markup(data, kind):
        raise FileTypeNotAllowed(params={"kind": "HTML"})
    extension = _extension(name) if name else None
    if extension is not None and _EXTENSIONS.get(extension) != kind:
        raise ExtensionMismatch(params={"extension": extension, "kind": _KIND_NAMES[kind]})
    # Hashing releases the GIL, and so does decoding: for a large file, hash while it is decoded.
    digest: list[str] = []
    hasher = threading.Thread(target=lambda: digest.append(hashlib.sha256(data).hexdigest()))
    if len(data) >= _HASH_IN_THREAD:
        hasher.start()
    else:
        hasher.run()
    with warnings.catch_warnings():
        # Locally only: Pillow's and pypdf's remarks about odd files must not leak out or fail
        # a caller's strict warning filters, and the bomb warning must stop the decode.
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            if kind == "pdf":
                width, height, dpi, pages, sharpness = _check_pdf(data, min_dpi, max_pixels, require_images)
            else:
                width, height, dpi, sharpness = _check_image(data, kind, min_dpi, max_pixels)
                pages = 1
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UnsafeContent(code="scan_too_many_pixels", params={"max_pixels": max_pixels}) from None
        except Exception:  # any parser failure on hostile bytes means a damaged file
            raise FileDamaged() from None
    if len(data) >= _HASH_IN_THREAD:
        hasher.join()
    if sharpness is not None and sharpness < min_sharpness:
        raise ImageTooBlurred(params={"sharpness": round(sharpness, 1), "min_sharpness": min_sharpness})
    return ScanInfo(
        kind=kind,
        size=len(data),
        width=width,
        height=height,
        dpi=dpi,
        pages=pages,
        sha256=digest[0],
        sharpness=None if sharpness is None else round(sharpness, 1),
        mime_type=_MIME_TYPES[kind],
    )


# Markup ---------------------------------------------------------------------------------------


def _has_markup(data: bytes, kind: str) -> bool:
    """Whether HTML, SVG or a ``javascript:`` URL appears where the file can be read as text."""
    regions: list[bytes] = [data[:_HEAD]]
    if kind == "png":
        skips = _png_pixels(data, regions)
    elif kind == "jpeg":
        skips = _jpeg_entropy_data(data)
    else:
        skips = _pdf_streams(data)
        end = data.rfind(b"%%EOF")
        if end >= 0:
            regions.append(data[end:])
    position = 0
    for start, end in skips:
        start, end = start + _EDGE, end - _EDGE
        if start < end:
            regions.append(data[position:start])
            position = end
    regions.append(data[position:])
    return any(_MARKUP.search(region.lower()) for region in regions)


def _png_pixels(data: bytes, texts: list[bytes]) -> list[tuple[int, int]]:
    """The spans of IDAT and fdAT payloads; the text inflated from zTXt and iTXt goes into ``texts``.

    A chunk that runs past the end is taken as far as the file goes (Pillow refuses the truncation).
    """
    skips = []
    position = 8
    while position + 8 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        chunk = data[position + 4 : position + 8]
        start = position + 8
        end = min(start + length, len(data))
        if chunk in _PNG_PIXELS:
            skips.append((start, end))
        elif chunk in (b"zTXt", b"iTXt"):
            texts.append(_png_text(chunk, data[start:end]))
        if chunk == b"IEND":
            break
        position = end + 4
    return skips


def _png_text(chunk: bytes, payload: bytes) -> bytes:
    """The inflated text of a zTXt or compressed iTXt chunk (empty if it is not compressed or not zlib)."""
    _, _, rest = payload.partition(b"\0")
    if chunk == b"iTXt":
        if rest[:1] != b"\1":
            return b""  # uncompressed: its payload is searched as it is
        _, _, rest = rest[2:].partition(b"\0")  # flag, method, language
        _, _, rest = rest.partition(b"\0")  # translated keyword
    else:
        rest = rest[1:]  # method
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(rest, _MAX_TEXT)
    except zlib.error:
        return b""  # unreadable to anyone; Pillow ignores it too
    if inflater.unconsumed_tail:
        raise FileDamaged()  # over the bound: Pillow refuses such a chunk too
    return text


def _jpeg_entropy_data(data: bytes) -> list[tuple[int, int]]:
    """The spans of entropy-coded data, from the start of the image to its first real EOI.

    Marker segments are stepped over by their length; a scan's data ends at the first marker that
    is neither a stuffed FF00 nor a restart marker. Bytes that are no marker (junk, fill) are stepped
    over as libjpeg does, and stay searched. After the EOI, nothing is skipped.
    """
    skips = []
    position = 2
    while found := _JPEG_SYNC.search(data, position):
        position = found.start()
        marker = data[position + 1]
        if marker == 0xD9:
            break
        if marker in _JPEG_STANDALONE:
            position += 2
            continue
        position += 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        if marker == 0xDA:
            found = _JPEG_MARKER.search(data, position)
            end = found.start() if found else len(data)
            skips.append((position, end))
            position = end
    return skips


def _pdf_streams(data: bytes) -> list[tuple[int, int]]:
    """The spans of stream bodies: from ``>> stream`` to the next ``endstream``."""
    skips = []
    position = 0
    while found := _PDF_STREAM.search(data, position):
        end = data.find(b"endstream", found.end())
        if end < 0:
            break
        skips.append((found.end(), end))
        position = end + 9
    return skips


# Images ---------------------------------------------------------------------------------------


def _open(data: bytes, kind: str, max_pixels: int) -> Image.Image:
    image = Image.open(io.BytesIO(data), formats=[kind.upper()])
    if image.width * image.height > max_pixels:
        raise UnsafeContent(code="scan_too_many_pixels", params={"max_pixels": max_pixels})
    return image


def _metadata_dpi(info: dict[str, Any]) -> int | None:
    try:
        values = [float(value) for value in info["dpi"]]
    except (KeyError, TypeError, ValueError):
        return None
    if not values or not all(math.isfinite(value) and value >= 1 for value in values):
        return None
    return round(min(values))


def _check_image(data: bytes, kind: str, min_dpi: int, max_pixels: int) -> tuple[int, int, int | None, float]:
    image = _open(data, kind, max_pixels)
    image.verify()
    image = _open(data, kind, max_pixels)
    width, height = image.size
    dpi = _metadata_dpi(image.info)
    if dpi is not None and dpi < min_dpi:
        raise ResolutionTooLow(params={"dpi": dpi, "min_dpi": min_dpi})
    _check_pixels(width, height, min_dpi)
    if kind == "jpeg":
        _draft(image)
    image.load()
    return width, height, dpi, _sharpness(image)


def _draft(image: Image.Image) -> None:
    """Have the JPEG decoder scale down (1/2, 1/4, 1/8) to the size sharpness is measured at."""
    factor = math.ceil(max(image.size) / ANALYSIS_SIZE)
    image.draft("L", (math.ceil(image.width / factor), math.ceil(image.height / factor)))


def _check_pixels(width: int, height: int, min_dpi: int) -> None:
    need_long, need_short = (round(side * min_dpi) for side in _CARD_INCHES)
    if max(width, height) < need_long or min(width, height) < need_short:
        raise ResolutionTooLow(
            code="scan_too_few_pixels", params={"width": width, "height": height, "min_dpi": min_dpi}
        )


def _sharpness(image: Image.Image) -> float:
    """Variance of the Laplacian of a greyscale copy at most ANALYSIS_SIZE pixels long."""
    if image.mode not in ("L", "LA", "RGB", "RGBA", "RGBX", "CMYK", "YCbCr"):
        if image.mode.startswith("I"):
            image = image.convert("I").point(lambda value: value * (1 / 256))
        image = image.convert("L")
    factor = math.ceil(max(image.size) / ANALYSIS_SIZE)
    if factor > 1:
        image = image.reduce(factor)
    grey = image.convert("L")
    if min(grey.size) < 2 + _GRID:
        return 0.0
    edges = grey.filter(_LAPLACIAN)
    # The filter leaves the outermost pixels as they were: they are no edges. A document may fill
    # a small part of the page, so the sharpest of a grid of tiles counts, not the page's average.
    width, height = edges.width - 2, edges.height - 2
    tiles = (
        (
            1 + width * i // _GRID,
            1 + height * j // _GRID,
            1 + width * (i + 1) // _GRID,
            1 + height * (j + 1) // _GRID,
        )
        for i in range(_GRID)
        for j in range(_GRID)
    )
    return max(_variance(edges.crop(box)) for box in tiles)


_LEVELS = range(256)
_SQUARES = [level * level for level in _LEVELS]


def _variance(grey: Image.Image) -> float:
    """Variance of a greyscale image's pixels, from its histogram: ImageStat's figure, without its loops."""
    histogram = grey.histogram()
    count = sum(histogram)
    total = sum(map(mul, histogram, _LEVELS))
    squares = sum(map(mul, histogram, _SQUARES))
    return (float(squares) - float(total) ** 2.0 / count) / count


# PDF ------------------------------------------------------------------------------------------


def _check_pdf(
    data: bytes, min_dpi: int, max_pixels: int, require_images: bool
) -> tuple[int | None, int | None, int | None, int, float | None]:
    from pypdf import PdfReader

    # Not a bare BytesIO: pypdf asks a BytesIO for its buffer, which copies the whole file.
    reader = PdfReader(io.BufferedReader(io.BytesIO(data)), strict=False)
    if reader.is_encrypted:
        raise FileEncrypted()
    _check_pdf_objects(reader)
    pages = len(reader.pages)
    if pages == 0:
        raise FileDamaged()
    if pages > MAX_PAGES:
        raise UnsafeContent(code="scan_too_many_pages", params={"max_pages": MAX_PAGES})
    dpis: list[int] = []
    first: _Placed | None = None
    for number, page in enumerate(reader.pages, start=1):
        images = list(_placed_images(page))
        for placed in images:
            if placed.width * placed.height > max_pixels:
                raise UnsafeContent(code="scan_too_many_pixels", params={"max_pixels": max_pixels})
        main = max(images, key=lambda placed: placed.area, default=None)
        if main is None:
            if require_images:
                raise ScanError(code="scan_pdf_without_image", params={"page": number})
            continue
        _check_pixels(main.width, main.height, min_dpi)
        first = first or main
        dpis.append(main.dpi)
    dpi = min(dpis, default=None)
    if dpi is not None and dpi < min_dpi:
        raise ResolutionTooLow(params={"dpi": dpi, "min_dpi": min_dpi})
    if first is None:
        return None, None, None, pages, None
    return first.width, first.height, dpi, pages, _pdf_image_sharpness(first, max_pixels)


_UNSAFE_ACTIONS = {"/JavaScript": "scan_javascript", "/Launch": "scan_launch_action"}
_UNSAFE_KEYS = {
    "/JS": "scan_javascript",
    "/JavaScript": "scan_javascript",
    "/EmbeddedFiles": "scan_embedded_file",
    "/EF": "scan_embedded_file",
    "/XFA": "scan_xfa_form",
}
_UNSAFE_SUBTYPES = {"/FileAttachment": "scan_embedded_file", "/RichMedia": "scan_embedded_file"}


def _check_pdf_objects(reader: Any) -> None:
    """Refuse active or hidden content anywhere in the file, referenced or not."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    ids = [(idnum, generation) for generation, table in reader.xref.items() for idnum in table]
    ids += [(idnum, 0) for idnum in reader.xref_objStm]
    if len(ids) > MAX_PDF_OBJECTS:
        raise UnsafeContent(code="scan_too_complex", params={"max_objects": MAX_PDF_OBJECTS})
    for idnum, generation in ids:
        # Direct objects form a tree (only indirect references can loop): a plain walk ends.
        stack = [reader.get_object(IndirectObject(idnum, generation, reader))]
        while stack:
            obj = stack.pop()
            if isinstance(obj, DictionaryObject):
                for key, code in _UNSAFE_KEYS.items():
                    if key in obj:
                        raise UnsafeContent(code=code)
                for value, table in (
                    (obj.get("/S"), _UNSAFE_ACTIONS),
                    (obj.get("/Subtype"), _UNSAFE_SUBTYPES),
                ):
                    if isinstance(value, str) and value in table:
                        raise UnsafeContent(code=table[value])
                if obj.get("/Type") == "/EmbeddedFile":
                    raise UnsafeContent(code="scan_embedded_file")
                children = obj.values()
            elif isinstance(obj, ArrayObject):
                children = obj
            else:
                continue
            stack.extend(child for child in children if not isinstance(child, IndirectObject))


@dataclass(frozen=True)
class _Placed:
    """An image as drawn on a page: its pixels and its size on paper."""

    width: int
    height: int
    inches_wide: float
    inches_high: float
    stream: Any = None

    @property
    def area(self) -> float:
        return self.inches_wide * self.inches_high

    @property
    def dpi(self) -> int:
        return round(min(self.width / self.inches_wide, self.height / self.inches_high))


_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _multiply(m: _Matrix, n: _Matrix) -> _Matrix:
    """``m × n`` for PDF matrices [a b c d e f]."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (a * p + b * r, a * q + b * s, c * p + d * r, c * q + d * s, e * p + f * r + t, e * q + f * s + u)


def _placed(width: Any, height: Any, ctm: _Matrix, stream: Any = None) -> _Placed | None:
    inches_wide, inches_high = math.hypot(ctm[0], ctm[1]) / 72, math.hypot(ctm[2], ctm[3]) / 72
    width, height = int(width), int(height)
    if width <= 0 or height <= 0 or inches_wide <= 1e-6 or inches_high <= 1e-6:
        return None
    return _Placed(width, height, inches_wide, inches_high, stream)


def _placed_images(page: Any) -> Iterator[_Placed]:
    """Every image drawn on the page, with the size it is drawn at."""
    unit = float(page.get("/UserUnit", 1) or 1)
    contents = page.get_contents()
    if contents is None:
        return
    if len(contents.get_data()) > MAX_CONTENT_BYTES:
        # Too much drawing to follow cheaply: take each image as drawn over the whole page.
        box = page.mediabox
        ctm = (float(box.width) * unit, 0.0, 0.0, float(box.height) * unit, 0.0, 0.0)
        for reference in _xobjects(page.get("/Resources")).values():
            xobject = reference.get_object()
            if xobject.get("/Subtype") == "/Image":
                placed = _placed(xobject.get("/Width", 0), xobject.get("/Height", 0), ctm, xobject)
                if placed is not None:
                    yield placed
        return
    yield from _walk(contents, page.get("/Resources"), _scale(unit), page.pdf, 0)


def _xobjects(resources: Any) -> Any:
    resources = resources.get_object() if resources is not None else {}
    xobjects = resources.get("/XObject")
    return xobjects.get_object() if xobjects is not None else {}


def _scale(factor: float) -> _Matrix:
    return (factor, 0.0, 0.0, factor, 0.0, 0.0)


def _walk(content: Any, resources: Any, ctm: _Matrix, pdf: Any, depth: int) -> Iterator[_Placed]:
    from pypdf.generic import ContentStream

    xobjects = _xobjects(resources)
    stack: list[_Matrix] = []
    for operands, operator in content.operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop() if stack else ctm
        elif operator == b"cm" and len(operands) == 6:
            ctm = _multiply(tuple(float(x) for x in operands), ctm)  # type: ignore[arg-type]
        elif operator == b"INLINE IMAGE":
            settings = operands["settings"]
            placed = _placed(
                settings.get("/W", settings.get("/Width", 0)),
                settings.get("/H", settings.get("/Height", 0)),
                ctm,
            )
            if placed is not None:
                yield placed
        elif operator == b"Do" and operands and operands[0] in xobjects:
            xobject = xobjects[operands[0]].get_object()
            subtype = xobject.get("/Subtype")
            if subtype == "/Image":
                placed = _placed(xobject.get("/Width", 0), xobject.get("/Height", 0), ctm, xobject)
                if placed is not None:
                    yield placed
            elif subtype == "/Form" and depth < 8:
                matrix = tuple(float(x) for x in xobject.get("/Matrix", _IDENTITY))
                yield from _walk(
                    ContentStream(xobject, pdf),
                    xobject.get("/Resources", resources),
                    _multiply(matrix, ctm),  # type: ignore[arg-type]
                    pdf,
                    depth + 1,
                )


def _pdf_image_sharpness(placed: _Placed, max_pixels: int) -> float | None:
    """Sharpness of an embedded JPEG (the usual scan); other encodings are not measured."""
    filters = placed.stream.get("/Filter") if placed.stream is not None else None
    if filters != "/DCTDecode" and not (isinstance(filters, list) and filters[-1:] == ["/DCTDecode"]):
        return None
    image = _open(placed.stream.get_data(), "jpeg", max_pixels)
    _draft(image)
    image.load()
    return _sharpness(image)
