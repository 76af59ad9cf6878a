"""Queue the registry checks that are due again (run from cron every few minutes, as a safety net)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from registration.registries import flows


class Command(BaseCommand):
    help = "Queue the registry checks of applications whose questions are due to be asked again."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = flows.recheck_due()
        self.stdout.write(f"Queued the registry checks of {queued} application(s).")
