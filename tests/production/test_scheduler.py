"""Two schedulers on one PostgreSQL database: each period's work is queued once, and again once after a restart."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from registration.scheduler.schedule import SCHEDULE
from tests.production.conftest import new_stack


@pytest.fixture(scope="module")
def bare_stack(binaries):
    """PostgreSQL with the schema, and no worker: what the schedulers queue stays in the queue to be counted."""
    stack = new_stack(pg_port=54431, redis_port=6431)
    try:
        stack.start_services()
        stack.manage("migrate", "--noinput")
        yield stack
    finally:
        stack.stop()


def queued(stack) -> dict[str, int]:
    rows = stack.sql("SELECT task_path, count(*) FROM django_tasks_database_dbtaskresult GROUP BY task_path")
    return dict(rows)


def periods_between(start, end) -> dict[str, int]:
    """How many periods of each entry began from ``start`` to ``end`` (the first one included)."""
    return {
        entry.task: 1 + (entry.period_start(end) != entry.period_start(start))  # each period is at least a minute
        for entry in SCHEDULE
    }


def wait_until_all_queued(stack, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(queued(stack)) == len(SCHEDULE):
            return
        time.sleep(0.2)
    raise AssertionError(f"not everything queued: {queued(stack)}")


def test_two_schedulers_queue_each_period_once_and_a_restart_queues_nothing_more(bare_stack):
    started = timezone.now()
    first, second = bare_stack.start_scheduler(), bare_stack.start_scheduler()
    wait_until_all_queued(bare_stack)
    time.sleep(3)  # both pass several times (--tick 1)
    assert first.poll() is None and second.poll() is None
    bare_stack.stop_schedulers()
    assert first.returncode == 0 and second.returncode == 0
    bare_stack.start_scheduler()  # back after a stop within the same periods
    time.sleep(3)
    bare_stack.stop_schedulers()
    assert queued(bare_stack) == periods_between(started, timezone.now())
    logs = "".join(path.read_text() for path in bare_stack.logs.glob("scheduler-*.log"))
    assert logs.count("Scheduler stopped.") == 3
    assert logs.count("Queued ") == sum(queued(bare_stack).values())
