"""The scan the wizard stores is the sanitised one: no EXIF (GPS), no bytes after the image (issue 13, item 8)."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from registration.accounts.models import Document


def phone_photo(jpeg: bytes) -> bytes:
    """The wizard's JPEG scan as a phone saves it: EXIF with a GPS position, and bytes after the end marker."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (55.0, 45.0, 21.0), 3: "E", 4: (37.0, 37.0, 4.0)})
    buffer = io.BytesIO()
    Image.open(io.BytesIO(jpeg)).save(buffer, "JPEG", quality=95, dpi=(300, 300), exif=exif)
    return buffer.getvalue() + b"<p>appended</p>"


def test_wizard_stores_the_scan_without_exif_or_trailing_bytes(wizard, scan_bytes):
    """A phone photo uploaded in the wizard is stored on submission with no EXIF and no trailing bytes."""
    upload = phone_photo(scan_bytes["jpeg"])
    wizard.files["identity_document"] = {"scan": SimpleUploadedFile("passport.jpg", upload, "image/jpeg")}
    response = wizard.run_all()
    assert response.status_code == 302
    document = Document.objects.get(scan_name="passport.jpg")
    with document.scan.open("rb") as handle:
        stored = handle.read()
    assert b"Exif" not in stored and b"PhoneMaker" not in stored and b"appended" not in stored
    assert stored.endswith(b"\xff\xd9") and len(stored) == document.scan_size < len(upload)
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif() and image.size == Image.open(io.BytesIO(upload)).size
