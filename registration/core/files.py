"""Writing scans into the private storage so that a failed transaction leaves no file behind."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files import File
from django.core.files.move import file_move_safe

logger = logging.getLogger(__name__)


class WrittenScans(list):
    """The scans written during a block; ``moved_from`` maps a moved scan's name to its former path."""

    def __init__(self) -> None:
        super().__init__()
        self.moved_from: dict[str, str] = {}


@contextmanager
def saved_scans() -> Iterator[WrittenScans]:
    """Collect the scans written during a block; if the block fails (the rows roll back), delete them,
    or move a moved one back to the wizard's storage so that the draft keeps it."""
    written = WrittenScans()
    try:
        yield written
    except BaseException:
        for stored in written:
            try:
                source = written.moved_from.get(stored.name)
                if source is not None:
                    file_move_safe(stored.path, source)
                else:
                    stored.storage.delete(stored.name)
            except OSError:  # pragma: no cover - the storage is already gone
                logger.warning("A scan left behind by a failed submission could not be deleted.")
        raise


class MovableScan(File):
    """A wizard scan on local disk: ``FileSystemStorage`` moves (renames) it into place, as it does
    Django's temporary uploads, instead of copying it; other storages read it as any file."""

    def __init__(self, upload: Any, path: str) -> None:
        super().__init__(upload, name=upload.name)
        self.path = path

    def temporary_file_path(self) -> str:
        return self.path
