"""Files encrypted at rest: a storage that wraps any Django storage and keeps only ciphertext in it.

``STORAGES["scans"]`` and ``STORAGES["wizard"]`` are ``EncryptedStorage``; its ``storage`` option names
the storage that holds the bytes (``FileSystemStorage`` locally, django-storages' ``S3Storage`` in
production) and every other option is passed to that storage::

    {"BACKEND": "registration.core.storage.EncryptedStorage",
     "OPTIONS": {"storage": "django.core.files.storage.FileSystemStorage", "location": "...", ...}}

A file is stored as one Fernet token (the keys of ``registration.core.crypto``: the newest encrypts,
every key decrypts) in binary form, so it is 57 to 73 bytes longer than the plain file. Reading decrypts the
whole file into memory (scans are at most 5 MB) and hands back a plain ``File``; names, listings,
deletion and modification times are the wrapped storage's own. A file written before encryption was
switched on (it cannot start with the token's version byte: PDF, JPEG and PNG never do) is read as it
is; :meth:`EncryptedStorage.rotate` encrypts it, or re-encrypts a file under an older key.
"""

from __future__ import annotations

import base64
import functools
import io
import os
import struct
import tempfile
import time
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, hmac, padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.deconstruct import deconstructible
from django.utils.module_loading import import_string

from registration.core import crypto

#: The first byte of every Fernet token (its version).
VERSION_BYTE = b"\x80"
#: Version, timestamp, IV, one block of padding at least, and the HMAC.
_OVERHEAD = 1 + 8 + 16 + 16 + 32


@functools.lru_cache(maxsize=8)
def _split(keys: tuple[str, ...]) -> tuple[tuple[bytes, bytes], ...]:
    """Each Fernet key as its (signing, encryption) halves, newest first."""
    raw = [base64.urlsafe_b64decode(key) for key in keys]
    return tuple((key[:16], key[16:]) for key in raw)


def _keys() -> tuple[tuple[bytes, bytes], ...]:
    return _split(tuple(crypto.encryption_keys()))


def seal(data: bytes) -> bytes:
    """``data`` encrypted with the newest key: a Fernet token in binary (not base64) form.

    Built from Fernet's own primitives (AES-128-CBC, then HMAC-SHA-256 over version, time, IV and
    ciphertext): ``Fernet.encrypt`` would spend most of its time base64-encoding a 5 MB scan, which
    a file does not need. ``base64.urlsafe_b64encode`` of the result is a valid Fernet token.
    """
    signing, encryption = _keys()[0]
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    encryptor = Cipher(algorithms.AES(encryption), modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padder.update(data) + padder.finalize()) + encryptor.finalize()
    body = VERSION_BYTE + struct.pack(">Q", int(time.time())) + iv + ciphertext
    mac = hmac.HMAC(signing, hashes.SHA256())
    mac.update(body)
    return body + mac.finalize()


def is_sealed(raw: bytes) -> bool:
    return raw[:1] == VERSION_BYTE


def _signed_by(raw: bytes, signing: bytes) -> bool:
    """Whether ``raw`` is a whole token whose HMAC was made with ``signing``."""
    if len(raw) < _OVERHEAD or (len(raw) - _OVERHEAD) % 16:
        return False
    mac = hmac.HMAC(signing, hashes.SHA256())
    mac.update(raw[:-32])
    try:
        mac.verify(raw[-32:])
    except InvalidSignature:
        return False
    return True


def _opening_key(raw: bytes) -> int | None:
    """Which key (0: the newest) opens ``raw``, or ``None``."""
    return next((index for index, (signing, _) in enumerate(_keys()) if _signed_by(raw, signing)), None)


def unseal(raw: bytes, name: str = "") -> bytes:
    """The plain bytes of a stored file (a file from before encryption comes back as it is)."""
    if not is_sealed(raw):
        return raw
    index = _opening_key(raw)
    if index is not None:
        decryptor = Cipher(algorithms.AES(_keys()[index][1]), modes.CBC(raw[9:25])).decryptor()
        padded = decryptor.update(raw[25:-32]) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        return unpadder.update(padded) + unpadder.finalize()
    raise ImproperlyConfigured(
        f"The stored file {name!r} cannot be decrypted with the configured keys: keep the old key in "
        "REGISTRATION_ENCRYPTION_KEYS (or SECRET_KEY_FALLBACKS) until manage.py rotate_personal_data has run."
    )


def _under_newest_key(raw: bytes) -> bool:
    return _opening_key(raw) == 0


def _starts_sealed(path: str) -> bool:
    with open(path, "rb") as handle:
        return is_sealed(handle.read(1))


def local_folder(storage: Storage) -> FileSystemStorage | None:
    """The local folder that holds ``storage``'s bytes (``None``: S3 and the like)."""
    inner = storage.inner if isinstance(storage, EncryptedStorage) else storage
    return inner if isinstance(inner, FileSystemStorage) else None


def renames_between(source: Storage, target: Storage) -> bool:
    """Whether a file of ``source`` can be renamed into ``target`` as it lies: both local, both encrypted or not."""
    return (
        local_folder(source) is not None
        and local_folder(target) is not None
        and isinstance(source, EncryptedStorage) == isinstance(target, EncryptedStorage)
    )


@deconstructible(path="registration.core.storage.EncryptedStorage")
class EncryptedStorage(Storage):
    """Any storage, holding ciphertext: writes encrypt, reads decrypt; see the module docstring."""

    def __init__(self, storage: str = "django.core.files.storage.FileSystemStorage", **options: Any) -> None:
        self.inner: Storage = import_string(storage)(**options)

    def __getattr__(self, name: str) -> Any:
        # The wrapped storage's own settings (location, bucket_name, …) read through.
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)

    def _open(self, name: str, mode: str = "rb") -> File:
        if "w" in mode or "a" in mode or "+" in mode:
            raise ValueError("Encrypted files are written with save(), not opened for writing.")
        with self.inner.open(name, "rb") as stored:
            plain = unseal(stored.read(), name)
        return File(io.BytesIO(plain), name=name)

    def _save(self, name: str, content: Any) -> str:
        moving = getattr(content, "temporary_file_path", None)
        if moving is not None and isinstance(self.inner, FileSystemStorage) and _starts_sealed(moving()):
            # Ciphertext on this disk already: renamed into place.
            return self.inner._save(name, content)  # type: ignore[attr-defined]
        if hasattr(content, "seek"):
            content.seek(0)
        data = content.read()
        if isinstance(data, str):
            data = data.encode()
        return self.inner._save(name, ContentFile(seal(data), name=name))  # type: ignore[attr-defined]

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return self.inner.get_available_name(name, max_length=max_length)

    def generate_filename(self, filename: str) -> str:  # type: ignore[override]
        return self.inner.generate_filename(filename)

    def delete(self, name: str) -> None:
        self.inner.delete(name)

    def exists(self, name: str) -> bool:
        return self.inner.exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.inner.listdir(path)

    def size(self, name: str) -> int:
        """The plain file's size (the file is read and decrypted: callers keep sizes in the database)."""
        with self.open(name) as plain:
            return len(plain.read())

    def url(self, name: str | None) -> str:
        return self.inner.url(name)

    def path(self, name: str) -> str:
        """Where the ciphertext lies (a local storage only): never hand it to something that reads scans."""
        return self.inner.path(name)

    def get_accessed_time(self, name: str) -> Any:
        return self.inner.get_accessed_time(name)

    def get_created_time(self, name: str) -> Any:
        return self.inner.get_created_time(name)

    def get_modified_time(self, name: str) -> Any:
        return self.inner.get_modified_time(name)

    def rotate(self, name: str) -> bool:
        """Encrypt ``name`` under the newest key in place (a plain or older file); False if it already was."""
        with self.inner.open(name, "rb") as stored:
            raw = stored.read()
        if is_sealed(raw) and _under_newest_key(raw):
            return False
        self._replace(name, seal(unseal(raw, name)))
        return True

    def _replace(self, name: str, raw: bytes) -> None:
        if isinstance(self.inner, FileSystemStorage):
            # Write beside it, then rename over it: a crash leaves the old file or the new one, never half.
            target = Path(self.inner.path(name))
            fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".rotate-")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(raw)
                mode = self.inner.file_permissions_mode
                if mode is not None:
                    os.chmod(temporary, mode)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            return
        # Object stores (S3) replace an object whole when it is written again under its name.
        self.inner._save(name, ContentFile(raw, name=name))  # type: ignore[attr-defined]


def walk(storage: Storage, folder: str = "") -> list[str]:
    """Every file name under ``folder`` of ``storage``, recursively."""
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return []
    names = [f"{folder}/{name}" if folder else name for name in files]
    for sub in folders:
        names.extend(walk(storage, f"{folder}/{sub}" if folder else sub))
    return names
