"""PDF scans with pypdf: no active or hidden content, and the resolution of the images drawn."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from validators import FileDamaged, FileEncrypted, ScanError, UnsafeContent
from validators.scans.analysis import Analysis
from validators.scans.images import draft, open_image, upright_analysis
from validators.scans.resolution import PhysicalSize, judge

__all__ = ["PdfFindings", "PdfLimits", "check_pdf"]


@dataclass(frozen=True)
class PdfLimits:
    """How much of a PDF is followed: pages, objects, and bytes of one page's drawing."""

    max_pages: int
    max_objects: int
    max_content_bytes: int


@dataclass(frozen=True)
class PdfFindings:
    """What checking a PDF found: the first page's image, the lowest resolutions, the pages, the sharpness."""

    width: int | None
    height: int | None
    #: The lowest resolution at which a page's image is drawn.
    dpi: int | None
    #: The lowest resolution a page's document gets (see :mod:`validators.scans.resolution`).
    effective_dpi: int | None
    pages: int
    #: What the first page's image shows, when it is a JPEG.
    analysis: Analysis | None


def check_pdf(
    data: bytes, min_dpi: int, max_pixels: int, require_images: bool, limits: PdfLimits, size: PhysicalSize
) -> PdfFindings:
    """Check a PDF and describe it (see :class:`PdfFindings`)."""
    from pypdf import PdfReader

    # Not a bare BytesIO: pypdf asks a BytesIO for its buffer, which copies the whole file.
    reader = PdfReader(io.BufferedReader(io.BytesIO(data)), strict=False)
    try:
        return _check_reader(reader, min_dpi, max_pixels, require_images, limits, size)
    finally:
        # The parsed objects and the reader refer to each other: without this, the streams read
        # (as large as the file) stay until the garbage collector runs, under the next step's feet.
        reader.resolved_objects.clear()
        reader.flattened_pages = None


def _check_reader(
    reader: Any, min_dpi: int, max_pixels: int, require_images: bool, limits: PdfLimits, size: PhysicalSize
) -> PdfFindings:
    if reader.is_encrypted:
        raise FileEncrypted()
    _check_objects(reader, limits.max_objects)
    pages = len(reader.pages)
    if pages == 0:
        raise FileDamaged()
    if pages > limits.max_pages:
        raise UnsafeContent(code="scan_too_many_pages", params={"max_pages": limits.max_pages})
    dpis: list[int] = []
    effective: list[int] = []
    first: _Placed | None = None
    for number, page in enumerate(reader.pages, start=1):
        images = list(_placed_images(page, limits.max_content_bytes))
        for placed in images:
            if placed.width * placed.height > max_pixels:
                raise UnsafeContent(code="scan_too_many_pixels", params={"max_pixels": max_pixels})
        main = max(images, key=lambda placed: placed.area, default=None)
        if main is None:
            if require_images:
                raise ScanError(code="scan_pdf_without_image", params={"page": number})
            continue
        effective.append(judge(main.width, main.height, main.dpi, size, min_dpi).dpi)
        first = first or main
        dpis.append(main.dpi)
    if first is None:
        return PdfFindings(None, None, None, None, pages, None)
    return PdfFindings(first.width, first.height, min(dpis), min(effective), pages, _image_analysis(first, max_pixels))


_UNSAFE_ACTIONS = {"/JavaScript": "scan_javascript", "/Launch": "scan_launch_action"}
_UNSAFE_KEYS = {
    "/JS": "scan_javascript",
    "/JavaScript": "scan_javascript",
    "/EmbeddedFiles": "scan_embedded_file",
    "/EF": "scan_embedded_file",
    "/XFA": "scan_xfa_form",
}
_UNSAFE_SUBTYPES = {"/FileAttachment": "scan_embedded_file", "/RichMedia": "scan_embedded_file"}


def _check_objects(reader: Any, max_objects: int) -> None:
    """Refuse active or hidden content anywhere in the file, referenced or not."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    ids = [(idnum, generation) for generation, table in reader.xref.items() for idnum in table]
    ids += [(idnum, 0) for idnum in reader.xref_objStm]
    if len(ids) > max_objects:
        raise UnsafeContent(code="scan_too_complex", params={"max_objects": max_objects})
    for idnum, generation in ids:
        # Direct objects form a tree (only indirect references can loop): a plain walk ends.
        stack = [reader.get_object(IndirectObject(idnum, generation, reader))]
        while stack:
            obj = stack.pop()
            children: Iterable[Any]
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


def _matrix(values: Iterable[Any]) -> _Matrix:
    """Six numbers of a PDF matrix (the caller has checked there are six)."""
    a, b, c, d, e, f = (float(value) for value in values)
    return (a, b, c, d, e, f)


def _placed(width: Any, height: Any, ctm: _Matrix, stream: Any = None) -> _Placed | None:
    inches_wide, inches_high = math.hypot(ctm[0], ctm[1]) / 72, math.hypot(ctm[2], ctm[3]) / 72
    width, height = int(width), int(height)
    if width <= 0 or height <= 0 or inches_wide <= 1e-6 or inches_high <= 1e-6:
        return None
    return _Placed(width, height, inches_wide, inches_high, stream)


def _placed_images(page: Any, max_content_bytes: int) -> Iterator[_Placed]:
    """Every image drawn on the page, with the size it is drawn at."""
    unit = float(page.get("/UserUnit", 1) or 1)
    contents = page.get_contents()
    if contents is None:
        return
    if len(contents.get_data()) > max_content_bytes:
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
            ctm = _multiply(_matrix(operands), ctm)
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
                yield from _walk(
                    ContentStream(xobject, pdf),
                    xobject.get("/Resources", resources),
                    _multiply(_matrix(xobject.get("/Matrix", _IDENTITY)), ctm),
                    pdf,
                    depth + 1,
                )


def _image_analysis(placed: _Placed, max_pixels: int) -> Analysis | None:
    """What an embedded JPEG (the usual scan) shows; other encodings are not measured."""
    filters = placed.stream.get("/Filter") if placed.stream is not None else None
    if filters != "/DCTDecode" and not (isinstance(filters, list) and filters[-1:] == ["/DCTDecode"]):
        return None
    image = open_image(placed.stream.get_data(), "jpeg", max_pixels)
    draft(image)
    image.load()
    return upright_analysis(image)
