"""Remind people whose stay registration ends within 7 days (once each), and expire the ended ones.

Run daily (cron or a scheduler); the same work is the django-tasks task ``registration.services.tasks.remind_services``.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from registration.services import flows


class Command(BaseCommand):
    help = "Send the services' reminders that are due (each once) and mark ended results expired."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--enqueue", action="store_true", help="queue the work as a background task instead")

    def handle(self, *args: Any, enqueue: bool = False, **options: Any) -> None:
        if enqueue:
            from registration.services.tasks import remind_services

            remind_services.enqueue()
            self.stdout.write("Queued.")
            return
        reminded, expired = flows.send_reminders(), flows.expire()
        self.stdout.write(f"Reminders sent: {reminded}. Expired: {expired}.")
