"""Scans, requested documents, support attachments and draft uploads are stored as ciphertext."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import call_command
from django.urls import reverse

from registration.core.storage import EncryptedStorage
from tests.registration.identity_fixtures import make_applicant  # noqa: F401  (fixture)


def on_disk(alias: str, name: str) -> bytes:
    return Path(storages[alias].path(name)).read_bytes()


@pytest.mark.parametrize("alias", ["scans", "wizard"])
def test_bytes_on_disk_are_not_the_image(alias, scan_bytes):
    """What the storage writes to disk is neither the image nor any part of it; reading gives it back."""
    png = scan_bytes["png"]
    storage = storages[alias]
    name = storage.save("drafts/test.png", ContentFile(png))
    raw = on_disk(alias, name)
    assert not raw.startswith(b"\x89PNG") and png[16:80] not in raw
    with storage.open(name) as handle:
        assert handle.read() == png
    assert storage.size(name) == len(png)


def test_the_scan_view_streams_the_plain_image(client, make_applicant):  # noqa: F811
    """The owner's scan view decrypts: the response is the PNG while the file on disk is not."""
    applicant = make_applicant()
    document = applicant.documents.get()
    assert not on_disk("scans", document.scan.name).startswith(b"\x89PNG")
    client.force_login(applicant.account)
    response = client.get(reverse("registration:document_scan", args=[document.pk]))
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_a_file_under_an_old_key_reads_and_is_reencrypted(db, settings, scan_bytes):
    """After a new key is put first an old file still reads; rotate_personal_data moves it to the new key."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.REGISTRATION_ENCRYPTION_KEYS = [old]
    png = ContentFile(scan_bytes["png"])
    names = {alias: storages[alias].save("drafts/old.png", png) for alias in ("scans", "wizard")}
    settings.REGISTRATION_ENCRYPTION_KEYS = [new, old]
    assert storages["scans"].open(names["scans"]).read() == scan_bytes["png"]
    call_command("rotate_personal_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings.REGISTRATION_ENCRYPTION_KEYS = [new]
    for alias, name in names.items():
        assert Fernet(new).decrypt(base64.urlsafe_b64encode(on_disk(alias, name))) == scan_bytes["png"]
        assert storages[alias].open(name).read() == scan_bytes["png"]


def test_a_file_stored_in_clear_is_read_and_then_encrypted(db, scan_bytes):
    """A scan written before encryption still opens, and the rotation command encrypts it in place."""
    storage = storages["scans"]
    assert isinstance(storage, EncryptedStorage)
    name = storage.inner.save("legacy/plain.png", ContentFile(scan_bytes["png"]))
    assert storage.open(name).read() == scan_bytes["png"]
    call_command("rotate_personal_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not on_disk("scans", name).startswith(b"\x89PNG")
    assert storage.open(name).read() == scan_bytes["png"]
    assert not storage.rotate(name)  # already under the newest key: not written again


def test_an_altered_file_is_refused(scan_bytes):
    """A stored file changed by one byte is not returned (the token's MAC fails), rather than read wrong."""
    storage = storages["scans"]
    name = storage.save("drafts/altered.png", ContentFile(scan_bytes["png"]))
    path = Path(storage.path(name))
    raw = bytearray(path.read_bytes())
    raw[100] ^= 1
    path.write_bytes(bytes(raw))
    with pytest.raises(ImproperlyConfigured):
        storage.open(name)
