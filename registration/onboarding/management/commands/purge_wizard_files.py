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
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from registration.onboarding.purge import purge_abandoned


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
        purged = purge_abandoned(cutoff, dry_run=options["dry_run"])
        verb = "Would delete" if options["dry_run"] else "Deleted"
        self.stdout.write(
            f"{verb} {purged.uploads} temporary upload(s) and {purged.codes} contact code(s); "
            f"{purged.saved_drafts} saved draft(s) past their time with {purged.saved_draft_uploads} upload(s)."
        )
        self.stdout.write(f"{verb} {purged.zone_readings} machine-readable zone reading(s) of unsubmitted drafts.")
