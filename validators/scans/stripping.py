"""Taking everything but the image out of an accepted JPEG or PNG, losslessly where possible."""

from __future__ import annotations

import io
import re
import struct

from PIL import Image, JpegImagePlugin

__all__ = ["KEPT_PNG_CHUNKS", "TRANSPOSE", "Stripped", "orientation", "reencode", "strip_jpeg", "strip_png"]

#: PNG chunks kept: the image, its transparency, colour rendering and resolution; no text, no EXIF,
#: no ICC profile, no animation, no private chunks.
KEPT_PNG_CHUNKS = frozenset({b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"pHYs"})
# JPEG segments kept as they are: frames (SOFn), Huffman, arithmetic and quantisation tables, restart interval.
_JPEG_KEPT = frozenset({*range(0xC0, 0xD0), 0xDB, 0xDD})
_JPEG_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})
_SOS, _EOI, _APP0, _APP14, _COM = 0xDA, 0xD9, 0xE0, 0xEE, 0xFE
# What each dropped JPEG segment held, for the report.
_JPEG_NAMES = {0xE1: "exif", 0xE2: "icc_profile", 0xED: "iptc", _COM: "comment"}
_PNG_NAMES = {b"tEXt": "text", b"zTXt": "text", b"iTXt": "text", b"eXIf": "exif", b"iCCP": "icc_profile"}
# The end of entropy-coded data: FF then anything but a stuffed 00, a restart marker (D0-D7) or fill.
_JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")

#: What stripping made of an image: the bytes kept, what was removed, and the EXIF found (if any).
Stripped = tuple[bytes, set[str], bytes | None]


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def _jfif(dpi: int | None) -> bytes:
    """A bare JFIF header: version 1.01, the resolution in dots per inch (or an aspect ratio), no thumbnail."""
    unit, density = (1, min(dpi, 0xFFFF)) if dpi else (0, 1)
    return _segment(_APP0, b"JFIF\0\x01\x01" + struct.pack(">BHHBB", unit, density, density, 0, 0))


def strip_jpeg(data: bytes, dpi: int | None) -> Stripped:
    """The JPEG with only its frame, tables and scans, a fresh JFIF header; nothing after EOI.

    The Adobe segment is rebuilt with its colour transform only: without it CMYK and RGB-coded
    files decode to the wrong colours.
    """
    view = memoryview(data)  # slices of a view are not copies: the output is the only copy
    out: list[bytes | memoryview] = [b"\xff\xd8", _jfif(dpi)]
    removed: set[str] = set()
    exif: bytes | None = None
    position, size = 2, len(data)
    while position + 1 < size:  # pragma: no branch - check() has refused a JPEG without EOI
        if data[position] != 0xFF or data[position + 1] == 0xFF:
            position += 1  # fill bytes and junk between segments
            continue
        marker = data[position + 1]
        if marker == _EOI:
            if position + 2 < size:
                removed.add("trailing_data")
            break
        if marker in _JPEG_STANDALONE:
            position += 2
            continue
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4], "big")
        payload = data[position + 4 : end]
        if marker == _SOS:
            found = _JPEG_MARKER.search(data, end)
            scan_end = found.start() if found else size
            out.append(view[position:scan_end])
            position = scan_end
            continue
        if marker in _JPEG_KEPT:
            out.append(view[position:end])
        elif marker == _APP14 and payload.startswith(b"Adobe") and len(payload) >= 12:
            out.append(_segment(_APP14, b"Adobe\0\x64\0\0\0\0" + payload[11:12]))
        elif marker == 0xE1 and payload.startswith(b"http://ns.adobe.com/"):
            removed.add("xmp")
        elif marker == 0xE1 and payload.startswith(b"Exif\0\0") and exif is None:
            exif = payload
            removed.add("exif")
        elif marker != _APP0:
            removed.add(_JPEG_NAMES.get(marker, "metadata"))
        position = end
    out.append(b"\xff\xd9")
    return b"".join(out), removed, exif


def strip_png(data: bytes) -> Stripped:
    """The PNG with only :data:`KEPT_PNG_CHUNKS`, up to IEND; nothing after it."""
    view = memoryview(data)
    out: list[bytes | memoryview] = [view[:8]]
    removed: set[str] = set()
    exif: bytes | None = None
    position = 8
    while position + 8 <= len(data):  # pragma: no branch - check() has refused a PNG without IEND
        length = int.from_bytes(data[position : position + 4], "big")
        chunk = data[position + 4 : position + 8]
        end = position + 12 + length
        if chunk in KEPT_PNG_CHUNKS:
            out.append(view[position:end])
        else:
            if chunk == b"eXIf" and exif is None:
                exif = data[position + 8 : end - 4]
            removed.add(_PNG_NAMES.get(chunk, "metadata"))
        position = end
        if chunk == b"IEND":
            break
    if position < len(data):
        removed.add("trailing_data")
    return b"".join(out), removed, exif


def orientation(exif: bytes | None) -> int:
    """The orientation (1 to 8) that EXIF asks the image to be displayed with; 1 when it has none.

    Read from the segment or chunk browsers follow (the first), not from what Pillow would find
    by decoding the whole PNG.
    """
    tags = Image.Exif()
    try:
        tags.load(exif or b"")
    except Exception:  # unreadable EXIF: browsers ignore it, and so does Pillow's decoder
        return 1
    value = tags.get(0x0112, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


#: How each EXIF orientation (2 to 8) is undone.
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def reencode(data: bytes, kind: str, dpi: int | None, turn: int = 1, quality: int | str = "keep") -> bytes:
    """The image decoded, turned upright (``turn`` is its EXIF orientation) and encoded again with no metadata.

    A JPEG keeps its quantisation tables and chroma subsampling (``quality="keep"``), so it comes
    out as sharp and about as large as it went in; a PNG is compressed again, losslessly.
    """
    with Image.open(io.BytesIO(data), formats=[kind.upper()]) as original:
        options: dict[str, object] = {"dpi": (dpi, dpi)} if dpi else {}
        if kind == "jpeg":
            options["subsampling"] = JpegImagePlugin.get_sampling(original)
            if quality == "keep":
                options["qtables"] = original.quantization  # type: ignore[attr-defined]
            else:
                options["quality"] = quality
        image = original.transpose(TRANSPOSE[turn]) if turn in TRANSPOSE else original
        # Pillow writes what ``info`` holds (EXIF, ICC, comments, text): keep only the transparency.
        image.info = {key: value for key, value in image.info.items() if key == "transparency"}
        buffer = io.BytesIO()
        image.save(buffer, kind.upper(), **options)
    return buffer.getvalue()
