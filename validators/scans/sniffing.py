"""Reading an upload's bytes and telling its type from them (magic bytes), and from its name."""

from __future__ import annotations

import os
from typing import IO, Any

__all__ = ["EXTENSIONS", "KIND_NAMES", "MIME_TYPES", "FileInput", "extension", "read", "sniff"]

#: The MIME type of each accepted kind.
MIME_TYPES = {"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}
#: The kind each accepted file-name extension stands for.
EXTENSIONS = {"jpg": "jpeg", "jpeg": "jpeg", "jpe": "jpeg", "jfif": "jpeg", "png": "png", "pdf": "pdf"}
#: The name of each accepted kind in messages.
KIND_NAMES = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}

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

FileInput = bytes | bytearray | memoryview | str | os.PathLike[str] | IO[bytes] | Any


def read(file: FileInput, limit: int) -> tuple[bytes, str | None]:
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


def sniff(data: bytes) -> str:
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


def extension(name: str) -> str | None:
    """The lower-cased extension of a file name, or ``None`` when it has none."""
    base = os.path.basename(name.replace("\\", "/"))
    stem, dot, found = base.rpartition(".")
    return found.lower() if dot and stem else None
