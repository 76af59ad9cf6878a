"""Markup hidden in a scan (a polyglot): searched only where the file can be read as text."""

from __future__ import annotations

import re
import zlib

from validators import FileDamaged

__all__ = ["has_markup"]

# Markup inside a scan makes it a polyglot: a browser that sniffed it as HTML or SVG would run it.
# Searched, case-sensitively, in lower-cased copies of the parts that can be read as text only: in
# compressed pixel data "<svg" occurs by chance (about one 5 MB PNG in 70 matched the whole file).
_MARKUP = re.compile(rb"<(?:script|html|svg|iframe|object|embed|body|img)\b|javascript:")
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


def has_markup(data: bytes, kind: str) -> bool:
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
