"""Rewriting an accepted PDF with its pages only: no document information, XMP, actions or links."""

from __future__ import annotations

import io
from typing import Any

__all__ = ["KEPT_PAGE_KEYS", "XOBJECT_KEYS_DROPPED", "clean_pdf"]

#: Page entries kept: what is drawn and where. Everything else (actions, annotations such as links,
#: attachments and form fields, XMP, private data, thumbnails, article beads, ...) is left out.
KEPT_PAGE_KEYS = frozenset(
    {"/Type", "/Parent", "/Resources", "/Contents", "/MediaBox", "/CropBox", "/BleedBox", "/TrimBox"}
    | {"/ArtBox", "/Rotate", "/UserUnit", "/Group"}
)
#: Entries of drawn images and forms left out: their XMP and private data.
XOBJECT_KEYS_DROPPED = ("/Metadata", "/PieceInfo")
_MAX_DEPTH = 8


def clean_pdf(data: bytes) -> tuple[bytes, set[str]]:
    """A new PDF holding the pages of ``data`` and what they draw, and nothing else.

    Only the page tree is copied, so the catalogue's open action, names (scripts, attachments),
    outlines, forms and XMP, and the trailer's document information, are not; from each page (and
    each image and form it draws) its actions, annotations, XMP and private data are dropped. The
    new file ends at its ``%%EOF``: whatever followed the original's is gone.
    """
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BufferedReader(io.BytesIO(data)), strict=False)
    removed: set[str] = set()
    if reader.trailer.get("/Info") is not None:
        removed.add("document_info")
    catalog: Any = reader.trailer["/Root"].get_object()
    if "/Metadata" in catalog:
        removed.add("xmp")
    if catalog.keys() & {"/OpenAction", "/AA", "/Names", "/AcroForm", "/Outlines", "/URI"}:
        removed.add("actions")
    writer = PdfWriter()
    for page in reader.pages:
        # Dropped before the page is copied: pypdf writes every object it has copied, linked or not.
        _drop(page, removed, 0)
        writer.add_page(page)
    writer.metadata = None  # no document information dictionary, not even a producer
    out = _Chunks()
    writer.write(out)  # type: ignore[arg-type]  # a file is all pypdf needs: write, tell, flush
    reader.resolved_objects.clear()  # see check_pdf: let the streams go before the copy is joined
    if data.rstrip()[-5:] != b"%%EOF":
        removed.add("trailing_data")
    return b"".join(out.chunks), removed


class _Chunks:
    """A write-only file keeping what is written as it is: one copy at the end, not a growing buffer."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.position = 0

    def write(self, chunk: bytes) -> int:
        self.chunks.append(chunk)
        self.position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        """Nothing is buffered."""


def _drop(node: Any, removed: set[str], depth: int) -> None:
    """Keep only :data:`KEPT_PAGE_KEYS` of a page; drop :data:`XOBJECT_KEYS_DROPPED` from what it draws."""
    keys = [key for key in node if key not in KEPT_PAGE_KEYS] if depth == 0 else XOBJECT_KEYS_DROPPED
    for key in keys:
        if key in node:
            del node[key]
            removed.add("xmp" if key == "/Metadata" else "actions" if key in ("/AA", "/Annots") else "metadata")
    resources = node.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is None or depth >= _MAX_DEPTH:
        return
    for reference in xobjects.get_object().values():
        _drop(reference.get_object(), removed, depth + 1)
