"""Queue the service's periodic work (``registration/scheduler/schedule.py``) for the task worker, forever.

Run one beside ``db_worker`` on each host, or several: the database lets each period be queued once.
``--once`` makes one pass and exits (for cron, or to check the schedule).
"""

from __future__ import annotations

import logging
import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from registration.scheduler import runner
from registration.scheduler.schedule import SCHEDULE

logger = logging.getLogger("registration.scheduler")


class Command(BaseCommand):
    help = "Queue the scheduled work (retention, purges, reminders, reconciliation, registry re-checks) when due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument(
            "--tick", type=float, default=30.0, metavar="SECONDS", help="longest wait between passes (30)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if not options["once"]:
            for sig in (signal.SIGINT, signal.SIGTERM):
                signal.signal(sig, lambda *_: stop.set())
            names = ", ".join(entry.name for entry in SCHEDULE)
            self.stdout.write(f"Scheduling {names}.")
            self.stdout.flush()
        while True:
            try:
                for queued in runner.run_due():
                    self.stdout.write(f"Queued {queued.name} ({queued.period.isoformat()}): task {queued.task_id}")
                self.stdout.flush()
            except DatabaseError:  # the database is away: try again at the next pass, as it comes back
                logger.warning("The scheduler could not reach the database.", exc_info=True)
                close_old_connections()
            if options["once"]:
                return
            wait = max(0.5, min(options["tick"], runner.seconds_to_next(timezone.now()) + 0.5))
            if stop.wait(wait):
                self.stdout.write("Scheduler stopped.")
                return
            close_old_connections()  # a connection broken or past CONN_MAX_AGE while waiting is replaced
