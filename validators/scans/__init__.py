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
3. Markup (``<script``, ``<html``, ``<svg``, ``<iframe``, ``<object``, ``<embed``, ``<body``,
   ``<img`` or ``javascript:``, in any case) where the file can be read as text makes it a polyglot, refused as
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

:func:`sanitise` checks the same way and returns what to store: a :class:`Sanitised` holding the
image and nothing else (no EXIF, GPS, comments, text chunks, XMP, ICC profile, nothing after the end;
upright; a PDF rewritten with its pages only), see its docstring.

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
validators.FileTypeNotAllowed: This type of file is not accepted: upload a PDF, JPEG or PNG file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image

from validators import (
    ExtensionMismatch,
    FileDamaged,
    FileEmpty,
    FileTooLarge,
    FileTypeNotAllowed,
    ImageTooBlurred,
    UnsafeContent,
    ValidationError,
)
from validators.scans.images import ANALYSIS_SIZE as ANALYSIS_SIZE  # importable here, as before the split
from validators.scans.images import check_image
from validators.scans.markup import has_markup
from validators.scans.pdf import PdfLimits, check_pdf
from validators.scans.pdfclean import clean_pdf
from validators.scans.sniffing import EXTENSIONS, KIND_NAMES, MIME_TYPES, FileInput, extension, read, sniff
from validators.scans.stripping import orientation, reencode, strip_jpeg, strip_png

__all__ = ["MAX_BYTES", "MAX_PIXELS", "MIN_DPI", "MIN_SHARPNESS", "Sanitised", "ScanInfo", "check", "sanitise"]

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

_HASH_IN_THREAD = 1024 * 1024


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
    data, own_name = read(file, max_bytes + 1)
    name = name if name is not None else own_name
    if not data:
        raise FileEmpty()
    if len(data) > max_bytes:
        raise FileTooLarge(params={"max_size": f"{max_bytes / 1024 / 1024:g}", "size": len(data)})
    kind = sniff(data)
    if kind not in allowed:
        raise FileTypeNotAllowed(params={"kind": KIND_NAMES.get(kind, kind)})
    if has_markup(data, kind):
        raise FileTypeNotAllowed(params={"kind": "HTML"})
    suffix = extension(name) if name else None
    if suffix is not None and EXTENSIONS.get(suffix) != kind:
        raise ExtensionMismatch(params={"extension": suffix, "kind": KIND_NAMES[kind]})
    # Hashing releases the GIL, and so does decoding: for a large file, hash while it is decoded.
    digest: list[str] = []
    hasher = threading.Thread(target=lambda: digest.append(hashlib.sha256(data).hexdigest()))
    if len(data) >= _HASH_IN_THREAD:
        hasher.start()
    else:
        hasher.run()
    # The PDF limits are read at each call, so that a caller (or a test) may change them here.
    limits = PdfLimits(max_pages=MAX_PAGES, max_objects=MAX_PDF_OBJECTS, max_content_bytes=MAX_CONTENT_BYTES)
    with warnings.catch_warnings():
        # Locally only: Pillow's and pypdf's remarks about odd files must not leak out or fail
        # a caller's strict warning filters, and the bomb warning must stop the decode.
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            if kind == "pdf":
                width, height, dpi, pages, sharpness = check_pdf(data, min_dpi, max_pixels, require_images, limits)
            else:
                width, height, dpi, sharpness = check_image(data, kind, min_dpi, max_pixels)
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
        mime_type=MIME_TYPES[kind],
    )


@dataclass(frozen=True)
class Sanitised:
    """What :func:`sanitise` made of an accepted scan: the bytes to store and what was taken out."""

    data: bytes
    #: The stored bytes described (size, SHA-256 and, once turned upright, width and height are theirs).
    info: ScanInfo
    #: What was removed, sorted: ``actions``, ``comment``, ``document_info``, ``exif``, ``icc_profile``,
    #: ``iptc``, ``metadata``, ``orientation``, ``text``, ``trailing_data``, ``xmp``.
    removed: tuple[str, ...]
    #: Whether the pixels were encoded again (to turn the image upright, or to shed markup), not copied.
    reencoded: bool

    @property
    def kind(self) -> str:
        return self.info.kind

    @property
    def content_type(self) -> str:
        return self.info.mime_type


def sanitise(
    file: FileInput,
    name: str | None = None,
    *,
    max_bytes: int = MAX_BYTES,
    min_dpi: int = MIN_DPI,
    allowed: Sequence[str] = ("pdf", "jpeg", "png"),
    min_sharpness: float = MIN_SHARPNESS,
    max_pixels: int = MAX_PIXELS,
    require_images: bool = True,
) -> Sanitised:
    """Check a scan as :func:`check` does, then return it with nothing but the image.

    A JPEG keeps only its frame, tables and scans behind a fresh JFIF header with the resolution;
    the Adobe colour-transform segment is rebuilt; EXIF (GPS, camera, dates), XMP, IPTC, ICC
    profiles, comments and anything after EOI are dropped, without decoding: the pixels are the
    same bytes. A PNG keeps only its image, palette, transparency, colour rendering and resolution
    chunks, up to IEND. An image whose EXIF orientation is not upright is decoded, turned and
    encoded again (a JPEG with its own quantisation tables and subsampling), since a lossless turn
    needs dimensions that are multiples of the JPEG blocks. The ICC profile goes too: browsers
    show an untagged scan as sRGB, which reads the same, and a profile is up to megabytes of
    free-form tags. If markup is still found where a browser would sniff it (compressed data moved
    to the front), the image is encoded again; a PDF with markup left is refused as HTML. A PDF is
    rewritten with its pages only (:func:`validators.scans.pdfclean.clean_pdf`).

    >>> import io
    >>> from PIL import Image
    >>> image = Image.linear_gradient('L').resize((1200, 800))
    >>> exif = Image.Exif()
    >>> exif[0x0112] = 6  # the camera was held upright: turn the stored pixels 90 degrees
    >>> buffer = io.BytesIO()
    >>> image.save(buffer, 'JPEG', dpi=(300, 300), exif=exif, comment=b'<p onclick=alert(1)>')
    >>> clean = sanitise(buffer.getvalue() + b'<p onclick=alert(2)>', 'photo.jpg', min_sharpness=0)
    >>> clean.removed, clean.reencoded, clean.content_type
    (('comment', 'exif', 'orientation', 'trailing_data'), True, 'image/jpeg')
    >>> clean.info.width, clean.info.height, clean.info.size == len(clean.data)
    (800, 1200, True)
    >>> b'<p' in clean.data or b'Exif' in clean.data
    False
    >>> sanitise(b'%PDF-1.7', 'scan.pdf')
    Traceback (most recent call last):
        ...
    validators.FileDamaged: The file is damaged or incomplete: save or scan it again.
    """
    data, own_name = read(file, max_bytes + 1)
    info = check(
        data,
        name if name is not None else own_name,
        max_bytes=max_bytes,
        min_dpi=min_dpi,
        allowed=allowed,
        min_sharpness=min_sharpness,
        max_pixels=max_pixels,
        require_images=require_images,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            clean, removed, reencoded = _strip(data, info)
        except ValidationError:
            raise
        except Exception:  # check() has read the same bytes; a failure to write them is damage too
            raise FileDamaged() from None
    width, height = info.width, info.height
    if "orientation" in removed and width is not None:
        width, height = Image.open(io.BytesIO(clean)).size
    stored = dataclasses.replace(
        info, size=len(clean), sha256=hashlib.sha256(clean).hexdigest(), width=width, height=height
    )
    return Sanitised(data=clean, info=stored, removed=tuple(sorted(removed)), reencoded=reencoded)


def _strip(data: bytes, info: ScanInfo) -> tuple[bytes, set[str], bool]:
    """The scan with nothing but the image, what was removed, and whether it was encoded again."""
    if info.kind == "pdf":
        clean, removed = clean_pdf(data)
        if has_markup(clean, "pdf"):
            raise FileTypeNotAllowed(params={"kind": "HTML"})
        return clean, removed, False
    clean, removed, exif = strip_jpeg(data, info.dpi) if info.kind == "jpeg" else strip_png(data)
    turn = orientation(exif)
    if turn != 1:
        removed.add("orientation")
    elif not has_markup(clean, info.kind):
        return clean, removed, False
    # Turned upright, or markup moved within a browser's reach: new pixels, no metadata at all.
    clean = reencode(data, info.kind, info.dpi, turn)
    if has_markup(clean, info.kind):
        clean = reencode(data, info.kind, info.dpi, turn, quality=92)
        if has_markup(clean, info.kind):
            raise FileTypeNotAllowed(params={"kind": "HTML"})
    return clean, removed, True
