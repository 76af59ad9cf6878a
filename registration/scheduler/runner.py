"""Queue the scheduled work that is due: once per period, whatever number of schedulers run.

A period is claimed by one conditional UPDATE of the entry's :class:`ScheduledRun` row and the task is
queued in the same transaction, so that the claim and the queued task commit together (the database task
backend writes the task in that transaction) or not at all (a failed enqueue leaves the period to the next
pass). A scheduler that was stopped for several periods finds the row behind and queues the current period
once: missed periods are not queued one by one.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from registration.scheduler.models import ScheduledRun
from registration.scheduler.schedule import SCHEDULE, Entry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Queued:
    name: str
    period: datetime
    task_id: str


def task_of(entry: Entry) -> Task:
    """The entry's django-tasks task; ``TypeError`` if the path names something else."""
    found = import_string(entry.task)
    if not isinstance(found, Task):
        raise TypeError(f"{entry.name}: {entry.task} is not a django-tasks task.")
    return found


def claim(entry: Entry, period: datetime, now: datetime) -> bool:
    """Mark ``period`` as queued for ``entry`` unless it (or a later one) already is; True if this call did."""
    changed = (
        ScheduledRun.objects.filter(name=entry.name)
        .filter(Q(last_period__isnull=True) | Q(last_period__lt=period))
        .update(last_period=period, last_enqueued_at=now)
    )
    return changed == 1


def run_due(now: datetime | None = None, schedule: Iterable[Entry] = SCHEDULE) -> list[Queued]:
    """Queue every entry whose current period has not been queued yet; returns what this call queued."""
    now = now or timezone.now()
    entries = list(schedule)
    ScheduledRun.objects.bulk_create([ScheduledRun(name=entry.name) for entry in entries], ignore_conflicts=True)
    queued = []
    for entry in entries:
        period = entry.period_start(now)
        with transaction.atomic():
            if not claim(entry, period, now):
                continue
            result = task_of(entry).enqueue()
            ScheduledRun.objects.filter(name=entry.name).update(last_task_id=str(result.id))
        logger.info("Queued %s for the period from %s (task %s).", entry.name, period.isoformat(), result.id)
        queued.append(Queued(entry.name, period, str(result.id)))
    return queued


def seconds_to_next(now: datetime, schedule: Iterable[Entry] = SCHEDULE) -> float:
    """Seconds until the earliest next period of any entry."""
    return min((entry.next_start(now) - now).total_seconds() for entry in schedule)
