"""The wizard's draft storage: formtools' session storage, made safe for scans.

formtools loses uploads in several ways (its issues #130, #191, #207, #284): a step re-posted without
a new file fails as if nothing had been uploaded, a replaced file stays on disk, a file that vanished
from the temporary storage makes the next page fail, and stored files are re-read and re-checked on
every revalidation. Here:

* a file is saved once, under a random name (the person's file name never reaches the disk), with
  its metadata (name, type, size, the checker's :class:`~validators.scans.ScanInfo`) kept in the
  session beside the step's answers;
* a stored file comes back as a :class:`StoredFile` that the scan field accepts without decoding
  it again, so back/forward, Change links and ``done()``'s revalidation keep it;
* replacing a file deletes the old one; a file missing from the storage (purged after too long) is
  forgotten, so the step simply asks for it again.

Everything lives in the session (database-backed) and in ``STORAGES["wizard"]``, shared by every app
server: a draft survives a restart and continues on another process. Both are encrypted at rest
(``registration.core.sessions`` and ``registration.core.storage``).
"""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import PurePosixPath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from formtools.wizard.storage.session import SessionStorage

from registration.core.storage import local_folder

#: Folder inside the wizard storage; purge_wizard_files walks it.
DRAFTS_FOLDER = "drafts"
_SUFFIXES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def scan_info_dict(upload: Any) -> dict[str, Any]:
    """The checker's findings about an uploaded or stored scan, as plain data for the session."""
    info = getattr(upload, "scan_info", None)
    if info is None:
        return {}
    if dataclasses.is_dataclass(info) and not isinstance(info, type):
        return dataclasses.asdict(info)
    return dict(info)


def display_name(name: str | None) -> str:
    """The uploaded file's own name, for display only: no folders, no control characters, not too long."""
    base = PurePosixPath(str(name or "").replace("\\", "/")).name
    printable = "".join(ch for ch in base if ch.isprintable())
    return printable[-120:] or "scan"


class StoredFile(UploadedFile):
    """A file kept in the wizard's storage from an earlier visit to the step.

    It is opened only when read (when the application is submitted): revalidating a step or showing
    the check page uses the stored metadata, so a scan in remote storage is not fetched on every page.
    """

    def __init__(
        self,
        storage: Any,
        tmp_name: str,
        *,
        name: str,
        content_type: str | None,
        size: int | None,
        charset: str | None,
        scan_info: dict[str, Any] | None = None,
    ) -> None:
        self._storage = storage
        self._file: Any = None
        super().__init__(file=None, name=name, content_type=content_type, size=size, charset=charset)
        self.tmp_name = tmp_name
        self.scan_info = scan_info or {}

    @property
    def file(self) -> Any:  # type: ignore[override]
        if self._file is None:
            self._file = self._storage.open(self.tmp_name, "rb")
        return self._file

    @file.setter
    def file(self, value: Any) -> None:
        self._file = value

    @property
    def storage(self) -> Any:
        return self._storage

    def local_path(self) -> str | None:
        """Where the file's bytes (ciphertext in an encrypted storage) lie on this machine's disk, else ``None``."""
        if local_folder(self._storage) is None:  # S3 and the like; InMemoryStorage
            return None
        return str(self._storage.path(self.tmp_name))

    @property
    def closed(self) -> bool:
        return self._file is None or self._file.closed

    def close(self) -> None:
        if self._file is not None:
            self._file.close()


def random_name(original: str, content_type: str | None) -> str:
    suffix = _SUFFIXES.get(content_type or "") or PurePosixPath(original or "").suffix.lower()
    if suffix not in {".pdf", ".jpg", ".jpeg", ".png"}:
        suffix = ""
    return f"{DRAFTS_FOLDER}/{uuid.uuid4().hex}{suffix}"


class WizardStorage(SessionStorage):
    """formtools' session storage; the session is saved only when the draft actually changes.

    formtools marks the session modified on every read of the draft, so that each page view rewrote
    the whole draft to the database; here only the writing methods mark it.
    """

    def _get_data(self) -> dict[str, Any]:
        return self.request.session[self.prefix]

    def _set_data(self, value: dict[str, Any]) -> None:
        self.request.session[self.prefix] = value
        self.request.session.modified = True

    data = property(_get_data, _set_data)

    def _changed(self) -> None:
        self.request.session.modified = True

    def _set_current_step(self, step: str | None) -> None:
        if self.data.get(self.step_key) != step:
            self.data[self.step_key] = step
            self._changed()

    def _set_extra_data(self, extra_data: dict[str, Any]) -> None:
        self.data[self.extra_data_key] = extra_data
        self._changed()

    def set_step_data(self, step: str, cleaned_data: Any) -> None:
        super().set_step_data(step, cleaned_data)
        self._changed()

    def file_meta(self, step: str) -> dict[str, dict[str, Any]]:
        """The stored files' metadata of ``step`` (no file is opened)."""
        return self.data[self.step_files_key].get(step, {})

    def get_step_files(self, step: str) -> dict[str, StoredFile] | None:
        stored = self.data[self.step_files_key].get(step, {})
        files: dict[str, StoredFile] = {}
        for field, meta in list(stored.items()):
            key = (step, field)
            if key not in self._files:
                try:
                    present = self.file_storage.exists(meta["tmp_name"])
                except (OSError, KeyError, ValueError, TypeError):
                    present = False
                if not present:
                    # Gone from the storage (purged, or a storage that lost it): ask for it again.
                    del stored[field]
                    self.request.session.modified = True
                    continue
                self._files[key] = StoredFile(
                    self.file_storage,
                    meta["tmp_name"],
                    name=meta.get("name") or "scan",
                    content_type=meta.get("content_type"),
                    size=meta.get("size"),
                    charset=meta.get("charset"),
                    scan_info=meta.get("scan"),
                )
            files[field] = self._files[key]
        return files or None

    def set_step_files(self, step: str, files: dict[str, Any] | None) -> None:
        stored = self.data[self.step_files_key].setdefault(step, {})
        for field, upload in (files or {}).items():
            previous = stored.get(field)
            if isinstance(upload, StoredFile) and previous and previous.get("tmp_name") == upload.tmp_name:
                continue  # the same file, kept
            upload.seek(0)
            tmp_name = self.file_storage.save(random_name(upload.name, upload.content_type), upload)
            if previous and previous.get("tmp_name"):
                self._tmp_files.append(previous["tmp_name"])
            stored[field] = {
                "tmp_name": tmp_name,
                "name": display_name(upload.name),
                "content_type": upload.content_type,
                "size": upload.size,
                "charset": upload.charset,
                "scan": scan_info_dict(upload),
            }
        self.request.session.modified = True

    def drop_step(self, step: str) -> None:
        """Forget a step's answers and files (its inputs changed, so the person answers again)."""
        self.data[self.step_data_key].pop(step, None)
        for meta in self.data[self.step_files_key].pop(step, {}).values():
            if meta.get("tmp_name"):
                self._tmp_files.append(meta["tmp_name"])
        self.request.session.modified = True
