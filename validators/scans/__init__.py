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
5. The resolution the document gets must be at least ``min_dpi``; the document's size on paper is
   ``physical_size`` (a :class:`PhysicalSize`: ``ID1`` cards, the default; ``ID3`` passport pages;
   ``A4`` paper documents). The resolution written in the file (JFIF/EXIF/pHYs) is believed only
   when it measures something: not 72 or 96 dpi (what cameras and editors write whatever they
   take) and not a page larger than a scanner takes (17 × 12 inches). A believed resolution must
   reach ``min_dpi`` and the image must hold at least an ID-1 card at ``min_dpi``. Otherwise the
   image (a phone photo tagged 72 dpi, or an image without a resolution) must be able to hold the
   document at ``min_dpi``: its shorter side the document's shorter side, its longer side the
   longer one; the figure is the resolution the document gets when it fills the frame
   (``ScanInfo.effective_dpi``). See :mod:`validators.scans.resolution`.
6. What the image shows is measured on a greyscale copy reduced to at most 1024 pixels on its long
   side, turned upright by its EXIF orientation, in a 16 × 16 grid of tiles (see
   :mod:`validators.scans.analysis`). Tiles with structure (grey levels that vary: print, a photo,
   a line, even blurred) and tiles bearing content (ink spread over the tile's rows and columns,
   as lines of text are; a ruled line or a drawn frame is not) are told apart. Fewer than 6 content
   tiles is no document (``scan_no_content``): a blank page, a page with only a frame drawn on it;
   but when at least 6 tiles have structure and it is all blurred, the page is ``scan_blurred``
   (text blurred so far that no ink is left). The sharpness is the variance of the Laplacian that at
   least half of the structured tiles reach: a sharp scan of printed text scores in the hundreds or
   thousands, a page blurred until unreadable (a Gaussian blur of 0.4 mm for 2.5 mm letters) below
   :data:`MIN_SHARPNESS` (25), the default of ``min_sharpness``, even with one sharp corner; a
   document photographed on a plain table is judged on the tiles that show it. With ``upright`` (the
   default), an image whose lines of text clearly run down the page (from the content tiles'
   projection profiles) is refused as lying on its side (``scan_sideways``): which way it must be
   turned, and whether a page is upside down, are not judged. ``min_sharpness=0`` turns the
   sharpness, content and direction rules off.
7. A PDF is parsed with pypdf. Encrypted PDFs (even with an empty password) are refused, and so is
   any PDF with JavaScript, a launch action, an embedded file or attachment, rich media or an XFA
   form, wherever the object sits. The resolution of each page is that of its largest image: the
   image's pixels against the size it is drawn at (from the content stream's transformation
   matrices). A page without any image is not a scan and is refused (``require_images=False``
   accepts it, with no resolution). Sharpness is measured on the first page's largest image when it
   is a JPEG (its text direction is not judged: a page's ``/Rotate`` and drawing turn it). At most
   :data:`MAX_PAGES` pages.

The SHA-256 of a file over 1 MB is computed in a short-lived thread while the file is decoded (both
release the GIL). Warnings raised by Pillow and pypdf are silenced, and Pillow's bomb warning made an
error, inside ``warnings.catch_warnings()`` only for the duration of the check; on Python before 3.14
that context manager is not thread-safe, so a threaded server may briefly see the filters changed.

:func:`sanitise` checks the same way and returns what to store: a :class:`Sanitised` holding the
image and nothing else (no EXIF, GPS, comments, text chunks, XMP, ICC profile, nothing after the end;
turned upright by its EXIF orientation, ``Sanitised.rotation`` says by how much; a PDF rewritten
with its pages only), see its docstring.

More information:

* https://pillow.readthedocs.io/en/stable/reference/Image.html#PIL.Image.open (decompression bombs)
* https://pypdf.readthedocs.io/en/stable/user/security.html

>>> import io
>>> from PIL import Image
>>> buffer = io.BytesIO()
>>> Image.new('L', (1200, 800), 255).save(buffer, 'PNG', dpi=(150, 150))
>>> check(buffer.getvalue(), 'scan.png')
Traceback (most recent call last):
    ...
validators.ResolutionTooLow: The resolution is 150 dpi; scan at 300 dpi or more.
>>> try:
...     check(buffer.getvalue(), 'scan.png', min_dpi=150)
... except ImageTooBlurred as error:
...     print(error.code)
scan_no_content
>>> buffer = io.BytesIO()
>>> Image.new('L', (1200, 800), 255).save(buffer, 'PNG', dpi=(72, 72))
>>> try:
...     check(buffer.getvalue(), 'photo.png', physical_size=PhysicalSize.ID3)
... except ScanError as error:
...     print(error.code, error.params['need_width'], error.params['need_height'])
scan_too_few_pixels 1476 1039
>>> buffer = io.BytesIO()
>>> Image.new('L', (1200, 800), 255).save(buffer, 'PNG', dpi=(150, 150))
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
    ScanError,
    UnsafeContent,
    ValidationError,
)
from validators.scans.analysis import MIN_CONTENT_TILES, Analysis
from validators.scans.images import ANALYSIS_SIZE as ANALYSIS_SIZE  # importable here, as before the split
from validators.scans.images import ROTATIONS, check_image
from validators.scans.markup import has_markup
from validators.scans.pdf import PdfLimits, check_pdf
from validators.scans.pdfclean import clean_pdf
from validators.scans.resolution import PhysicalSize
from validators.scans.sniffing import EXTENSIONS, KIND_NAMES, MIME_TYPES, FileInput, extension, read, sniff
from validators.scans.stripping import orientation, reencode, strip_jpeg, strip_png

__all__ = [
    "MAX_BYTES",
    "MAX_PIXELS",
    "MIN_DPI",
    "MIN_SHARPNESS",
    "PhysicalSize",
    "Sanitised",
    "ScanInfo",
    "check",
    "sanitise",
]

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
    #: The resolution the document gets (see step 5 of the module's docstring); ``None`` for a PDF without images.
    effective_dpi: int | None = None
    #: Degrees clockwise (0, 90, 180, 270) by which the upload is turned upright: what its EXIF orientation
    #: asks for. In :func:`sanitise`'s result the stored bytes are already turned; this says by how much.
    rotation: int = 0


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
    physical_size: PhysicalSize = PhysicalSize.ID1,
    upright: bool = True,
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
                found = check_pdf(data, min_dpi, max_pixels, require_images, limits, physical_size)
                width, height, dpi, effective, pages = (
                    found.width,
                    found.height,
                    found.dpi,
                    found.effective_dpi,
                    found.pages,
                )
                analysis, rotation, directed = found.analysis, 0, False
            else:
                image = check_image(data, kind, min_dpi, max_pixels, physical_size)
                width, height, dpi, effective, rotation = (
                    image.width,
                    image.height,
                    image.dpi,
                    image.effective_dpi,
                    image.rotation,
                )
                analysis, pages, directed = image.analysis, 1, True
        except ValidationError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise UnsafeContent(code="scan_too_many_pixels", params={"max_pixels": max_pixels}) from None
        except Exception:  # any parser failure on hostile bytes means a damaged file
            raise FileDamaged() from None
    if len(data) >= _HASH_IN_THREAD:
        hasher.join()
    sharpness = None if analysis is None else analysis.sharpness
    if analysis is not None and min_sharpness > 0:
        _judge_analysis(analysis, min_sharpness, upright and directed)
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
        effective_dpi=effective,
        rotation=rotation,
    )


def _judge_analysis(analysis: Analysis, min_sharpness: float, upright: bool) -> None:
    """Refuse an image that shows no document, a blurred one, or (``upright``) a page lying on its side."""
    blurred = ImageTooBlurred(params={"sharpness": round(analysis.sharpness, 1), "min_sharpness": min_sharpness})
    if not analysis.has_content:
        # Much structure, all of it blurred: a page blurred beyond reading, not a blank one.
        if analysis.structure_tiles >= MIN_CONTENT_TILES and analysis.sharpness < min_sharpness:
            raise blurred
        raise ImageTooBlurred(code="scan_no_content", params={"content_tiles": analysis.content_tiles})
    if analysis.sharpness < min_sharpness:
        raise blurred
    if upright and analysis.sideways:
        raise ScanError(code="scan_sideways", params={"across": analysis.across, "down": analysis.down})


@dataclass(frozen=True)
class Sanitised:
    """What :func:`sanitise` made of an accepted scan: the bytes to store and what was taken out."""

    data: bytes
    #: The stored bytes described (size, SHA-256 and, once turned upright, width and height are theirs;
    #: ``rotation`` is the turn they were given).
    info: ScanInfo
    #: What was removed, sorted: ``actions``, ``comment``, ``document_info``, ``exif``, ``icc_profile``,
    #: ``iptc``, ``metadata``, ``orientation``, ``text``, ``trailing_data``, ``xmp``.
    removed: tuple[str, ...]
    #: Whether the pixels were encoded again (to turn the image upright, or to shed markup), not copied.
    reencoded: bool
    #: Degrees clockwise the image was turned upright by (its EXIF orientation): 0, 90, 180 or 270.
    rotation: int = 0

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
    physical_size: PhysicalSize = PhysicalSize.ID1,
    upright: bool = True,
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
    >>> clean.info.width, clean.info.height, clean.info.size == len(clean.data), clean.rotation
    (800, 1200, True, 90)
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
        physical_size=physical_size,
        upright=upright,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            clean, removed, reencoded, turn = _strip(data, info)
        except ValidationError:
            raise
        except Exception:  # check() has read the same bytes; a failure to write them is damage too
            raise FileDamaged() from None
    width, height = info.width, info.height
    if "orientation" in removed and width is not None:
        width, height = Image.open(io.BytesIO(clean)).size
    stored = dataclasses.replace(
        info,
        size=len(clean),
        sha256=hashlib.sha256(clean).hexdigest(),
        width=width,
        height=height,
        rotation=ROTATIONS[turn],
    )
    return Sanitised(
        data=clean, info=stored, removed=tuple(sorted(removed)), reencoded=reencoded, rotation=ROTATIONS[turn]
    )


def _strip(data: bytes, info: ScanInfo) -> tuple[bytes, set[str], bool, int]:
    """The scan with nothing but the image, what was removed, whether it was re-encoded, the orientation undone."""
    if info.kind == "pdf":
        clean, removed = clean_pdf(data)
        if has_markup(clean, "pdf"):
            raise FileTypeNotAllowed(params={"kind": "HTML"})
        return clean, removed, False, 1
    clean, removed, exif = strip_jpeg(data, info.dpi) if info.kind == "jpeg" else strip_png(data)
    turn = orientation(exif)
    if turn != 1:
        removed.add("orientation")
    elif not has_markup(clean, info.kind):
        return clean, removed, False, 1
    # Turned upright, or markup moved within a browser's reach: new pixels, no metadata at all.
    clean = reencode(data, info.kind, info.dpi, turn)
    if has_markup(clean, info.kind):
        clean = reencode(data, info.kind, info.dpi, turn, quality=92)
        if has_markup(clean, info.kind):
            raise FileTypeNotAllowed(params={"kind": "HTML"})
    return clean, removed, True, turn
