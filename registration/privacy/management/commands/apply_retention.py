"""Apply the retention rules: delete what is past its time, audited (README: Personal data).

Run daily from cron, e.g. ``30 3 * * * cd /srv/registration && .venv/bin/python manage.py apply_retention``.
``--dry-run`` prints what would go, counted, and changes nothing. ``--enqueue`` queues the same work as a
background task for the task worker instead of running it here.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from registration.privacy import retention


class Command(BaseCommand):
    help = (
        "Delete personal data past its retention period (drafts, unconfirmed, support threads, closed accounts, "
        "services' drafts and refusals)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only count what would be deleted")
        parser.add_argument("--enqueue", action="store_true", help="queue the work for the task worker")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from registration.privacy.tasks import apply_retention

            result = apply_retention.enqueue()
            self.stdout.write(f"Queued the retention task {result.id}.")
            return
        report = retention.apply(dry_run=options["dry_run"])
        verb = "Would delete" if report.dry_run else "Deleted"
        for rule in retention.RULES:
            found = report.counts.get(rule, {})
            details = ", ".join(f"{kind} {number}" for kind, number in sorted(found.items()) if number) or "nothing"
            self.stdout.write(f"{verb} ({rule}): {details}")
