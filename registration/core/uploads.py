"""Uploads whose file name is long: parsed, kept, and refused by the form beside the file field.

Django's multipart parser refuses a part whose headers pass 1 KiB (``MAX_TOTAL_HEADER_SIZE``) with a
bare 400 page, before any form sees the request, so a file named with 1 000 bytes lost every answer
on the page. The site lets part headers reach 8 KiB (the body's own limits still apply), remembers
each file's name length in bytes as it arrives (Django then cuts the name to 255 characters), and
:func:`file_name_length` gives the field error.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import uploadhandler
from django.http import multipartparser
from django.utils.translation import gettext_lazy as _

#: The longest file name most file systems hold, in bytes of UTF-8.
MAX_FILE_NAME_BYTES = 255
PART_HEADER_LIMIT = 8 * 1024

FILE_NAME_TOO_LONG = _("The file name is too long (over %(max)s bytes): rename the file with a shorter name.")


def allow_long_part_headers() -> None:
    """Let a multipart part's headers (its file name among them) reach 8 KiB instead of 1 KiB."""
    # Django names the limit in the parser module (not a setting); a rename fails loudly here.
    current = multipartparser.MAX_TOTAL_HEADER_SIZE  # type: ignore[attr-defined]
    multipartparser.MAX_TOTAL_HEADER_SIZE = max(current, PART_HEADER_LIMIT)  # type: ignore[attr-defined]


class _NameLengthMixin:
    file_name: str | None

    def file_complete(self, file_size: int) -> Any:
        upload = super().file_complete(file_size)  # type: ignore[misc]
        if upload is not None:
            upload.name_bytes = len((self.file_name or "").encode("utf-8", "surrogatepass"))
        return upload


class MemoryFileUploadHandler(_NameLengthMixin, uploadhandler.MemoryFileUploadHandler):
    """Django's in-memory upload handler, remembering the file name's length in bytes."""


class TemporaryFileUploadHandler(_NameLengthMixin, uploadhandler.TemporaryFileUploadHandler):
    """Django's temporary-file upload handler, remembering the file name's length in bytes."""


def file_name_length(upload: Any) -> None:
    """Field validator: the uploaded file's name, as sent, has at most 255 bytes."""
    upload = getattr(upload, "uploaded", upload)  # a scan field cleans to a new, sanitised file
    name = getattr(upload, "name", None) or ""
    length = getattr(upload, "name_bytes", None) or len(name.encode("utf-8", "surrogatepass"))
    if length > MAX_FILE_NAME_BYTES:
        raise ValidationError(FILE_NAME_TOO_LONG, code="file_name_too_long", params={"max": MAX_FILE_NAME_BYTES})
