"""Purging abandoned registrations: the wizard's old uploads, unfinished drafts' codes and zone readings,
and the drafts kept on the server past ``REGISTRATION_WIZARD_DRAFT_DAYS`` with their uploads.

Called by ``manage.py purge_wizard_files`` and by the retention rules (``registration.privacy``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from django.core.files.storage import storages

from registration.codes import contact
from registration.core.storage import walk
from registration.onboarding import resume
from registration.onboarding.models import ZoneReading
from registration.onboarding.storage import DRAFTS_FOLDER


@dataclass(frozen=True)
class Purged:
    """How many of each were deleted (or would be, in a dry run)."""

    uploads: int
    codes: int
    saved_drafts: int
    saved_draft_uploads: int
    zone_readings: int

    def counts(self) -> dict[str, int]:
        return asdict(self)


def purge_abandoned(cutoff: datetime, *, dry_run: bool = False) -> Purged:
    """Delete the uploads and codes of drafts abandoned before ``cutoff`` and the kept drafts past their time."""
    storage = storages["wizard"]
    saved_drafts, saved_files = resume.purge(dry_run=dry_run)
    kept = resume.kept_files()
    removed = 0
    for name in walk(storage, DRAFTS_FOLDER):
        if name in kept:
            continue
        try:
            modified = storage.get_modified_time(name)
        except (FileNotFoundError, NotImplementedError):
            continue
        if modified < cutoff:
            if not dry_run:
                storage.delete(name)
            removed += 1
    stale_codes = contact.stale(cutoff).exclude(subject__in=resume.kept_drafts())
    codes = stale_codes.count() if dry_run else stale_codes.delete()[0]
    # The zones read from drafts' scans (never submitted), as old as the uploads they came from.
    stale_readings = ZoneReading.objects.filter(applicant__isnull=True, created_at__lt=cutoff).exclude(
        draft__in=resume.kept_drafts()
    )
    readings = stale_readings.count() if dry_run else stale_readings.delete()[0]
    return Purged(removed, codes, saved_drafts, saved_files, readings)
