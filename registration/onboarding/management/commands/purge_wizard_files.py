"""Remove abandoned wizard uploads (and abandoned drafts' contact codes) older than a number of hours,
and the drafts kept on the server past ``REGISTRATION_WIZARD_DRAFT_DAYS`` with their uploads.

formtools deletes a draft's temporary files only when the draft is finished or restarted; a person who
simply leaves leaves their scans behind. Run this from cron, e.g. hourly with ``--older-than 24``. A
draft that is still open when its files are removed asks for the scans again (nothing fails). The
uploads and contact codes of a draft kept on the server (its e-mail confirmed) stay until the draft's
time is over; then the draft, its uploads and its codes go.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from registration.codes import contact
from registration.core.storage import walk
from registration.onboarding import resume
from registration.onboarding.models import ZoneReading
from registration.onboarding.storage import DRAFTS_FOLDER


class Command(BaseCommand):
    help = "Delete the registration wizard's temporary uploads (and unfinished drafts' codes) older than N hours."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=float, required=True, metavar="HOURS", help="age in hours")
        parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted")

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["older_than"]
        if hours < 0:
            raise CommandError("--older-than must be zero or more hours.")
        session_hours = settings.SESSION_COOKIE_AGE / 3600
        if hours < session_hours:
            self.stderr.write(
                self.style.WARNING(
                    f"Drafts live up to {session_hours:g} hours (SESSION_COOKIE_AGE): people still within that "
                    "time will be asked to upload their scans again."
                )
            )
        cutoff = timezone.now() - timedelta(hours=hours)
        storage = storages["wizard"]
        saved_drafts, saved_files = resume.purge(dry_run=options["dry_run"])
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
                if not options["dry_run"]:
                    storage.delete(name)
                removed += 1
        stale_codes = contact.stale(cutoff).exclude(subject__in=resume.kept_drafts())
        codes = stale_codes.count() if options["dry_run"] else stale_codes.delete()[0]
        verb = "Would delete" if options["dry_run"] else "Deleted"
        # The zones read from drafts' scans (never submitted), as old as the uploads they came from.
        stale_readings = ZoneReading.objects.filter(applicant__isnull=True, created_at__lt=cutoff).exclude(
            draft__in=resume.kept_drafts()
        )
        readings = stale_readings.count() if options["dry_run"] else stale_readings.delete()[0]
        self.stdout.write(
            f"{verb} {removed} temporary upload(s) and {codes} contact code(s); "
            f"{saved_drafts} saved draft(s) past their time with {saved_files} upload(s)."
        )
        self.stdout.write(f"{verb} {readings} machine-readable zone reading(s) of unsubmitted drafts.")
