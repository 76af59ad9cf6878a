"""The scheduler: each period's work queued once, whatever number of schedulers run, in the site's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from registration.scheduler import runner
from registration.scheduler.models import ScheduledRun
from registration.scheduler.schedule import SCHEDULE, Entry
from tests.registration.race_helpers import postgres_race, together
from tests.registration.test_operations_metrics import scrape  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
HOURLY = Entry("purge_wizard_files", "registration.onboarding.tasks.purge_wizard_files", every=timedelta(hours=1))
DAILY = Entry("apply_retention", "registration.privacy.tasks.apply_retention", daily_at=time(3, 30))


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


def queued(path: str) -> int:
    return DBTaskResult.objects.filter(task_path=path).count()


def test_every_declared_task_exists_and_is_a_task():
    names = [entry.name for entry in SCHEDULE]
    assert len(names) == len(set(names))
    for entry in SCHEDULE:
        task = runner.task_of(entry)
        assert isinstance(task, Task)
        assert task.module_path == entry.task


def test_every_periodic_command_has_a_scheduled_task():
    scheduled = {entry.task.rsplit(".", 1)[1] for entry in SCHEDULE}
    periodic = {"apply_retention", "purge_wizard_files", "remind_services", "reconcile_payments", "recheck_registries"}
    assert periodic <= scheduled
    commands = {path.stem for path in ROOT.glob("registration/*/management/commands/*.py")}
    assert periodic <= commands  # the commands stay, for cron or a manual run


def test_an_entry_is_an_interval_or_a_daily_time():
    with pytest.raises(ValueError):
        Entry("both", "x.y", every=timedelta(hours=1), daily_at=time(1))
    with pytest.raises(ValueError):
        Entry("neither", "x.y")
    with pytest.raises(ValueError):
        Entry("too_often", "x.y", every=timedelta(seconds=5))


def test_a_path_that_is_not_a_task_is_refused():
    with pytest.raises(TypeError):
        runner.task_of(Entry("not_a_task", "registration.privacy.retention.apply", every=timedelta(hours=1)))


def test_interval_periods_are_aligned():
    now = datetime(2026, 12, 3, 16, 47, 12, tzinfo=UTC)
    assert HOURLY.period_start(now) == datetime(2026, 12, 3, 16, 0, tzinfo=UTC)
    assert HOURLY.next_start(now) == datetime(2026, 12, 3, 17, 0, tzinfo=UTC)
    ten = Entry("ten", "x.y", every=timedelta(minutes=10))
    assert ten.period_start(now) == datetime(2026, 12, 3, 16, 40, tzinfo=UTC)
    assert runner.seconds_to_next(now, [HOURLY, ten]) == 2 * 60 + 48  # the scheduler's next wake-up: 16:50


def test_daily_time_is_the_site_time_zone(settings):
    settings.TIME_ZONE = "Europe/Moscow"  # UTC+3: 03:30 there is 00:30 UTC
    assert DAILY.period_start(datetime(2026, 12, 3, 0, 29, tzinfo=UTC)) == datetime(2026, 12, 2, 0, 30, tzinfo=UTC)
    assert DAILY.period_start(datetime(2026, 12, 3, 0, 30, tzinfo=UTC)) == datetime(2026, 12, 3, 0, 30, tzinfo=UTC)
    assert DAILY.next_start(datetime(2026, 12, 3, 0, 31, tzinfo=UTC)) == datetime(2026, 12, 4, 0, 30, tzinfo=UTC)
    settings.TIME_ZONE = "Asia/Vladivostok"  # UTC+10: 03:30 there is 17:30 UTC the day before
    assert DAILY.period_start(datetime(2026, 12, 3, 16, 0, tzinfo=UTC)) == datetime(2026, 12, 2, 17, 30, tzinfo=UTC)
    assert DAILY.period_start(datetime(2026, 12, 3, 18, 0, tzinfo=UTC)) == datetime(2026, 12, 3, 17, 30, tzinfo=UTC)


def test_daily_time_across_a_clock_change(settings):
    settings.TIME_ZONE = "Europe/Berlin"  # 29 March 2026: UTC+1 before, UTC+2 after
    assert DAILY.period_start(datetime(2026, 3, 29, 12, 0, tzinfo=UTC)) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert DAILY.period_start(datetime(2026, 3, 28, 12, 0, tzinfo=UTC)) == datetime(2026, 3, 28, 2, 30, tzinfo=UTC)


@pytest.mark.django_db
def test_queued_once_per_period(database_tasks):
    now = datetime(2026, 12, 3, 16, 5, tzinfo=UTC)
    first = runner.run_due(now, [HOURLY])
    assert [(item.name, item.period) for item in first] == [
        ("purge_wizard_files", datetime(2026, 12, 3, 16, tzinfo=UTC))
    ]
    assert runner.run_due(now + timedelta(minutes=50), [HOURLY]) == []
    assert queued(HOURLY.task) == 1
    row = ScheduledRun.objects.get(name="purge_wizard_files")
    assert row.last_task_id == first[0].task_id
    assert row.last_enqueued_at == now
    assert len(runner.run_due(now + timedelta(hours=1), [HOURLY])) == 1
    assert queued(HOURLY.task) == 2


@pytest.mark.django_db
def test_periods_missed_while_stopped_are_run_once(database_tasks):
    now = datetime(2026, 12, 3, 16, 5, tzinfo=UTC)
    runner.run_due(now, [HOURLY, DAILY])
    later = now + timedelta(days=3, hours=7)  # the scheduler was stopped for 3 days
    assert sorted(item.name for item in runner.run_due(later, [HOURLY, DAILY])) == [
        "apply_retention",
        "purge_wizard_files",
    ]
    assert runner.run_due(later + timedelta(seconds=30), [HOURLY, DAILY]) == []
    assert queued(HOURLY.task) == 2
    assert queued(DAILY.task) == 2


@pytest.mark.django_db
def test_a_failed_enqueue_leaves_the_period_to_the_next_pass(database_tasks):
    now = datetime(2026, 12, 3, 16, 5, tzinfo=UTC)
    with mock.patch.object(runner, "task_of", side_effect=RuntimeError("backend down")), pytest.raises(RuntimeError):
        runner.run_due(now, [HOURLY])
    assert ScheduledRun.objects.get(name="purge_wizard_files").last_period is None
    assert queued(HOURLY.task) == 0
    assert len(runner.run_due(now, [HOURLY])) == 1


@pytest.mark.django_db
def test_the_command_queues_the_due_work(database_tasks):
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert out.getvalue().count("Queued ") == len(SCHEDULE)
    assert DBTaskResult.objects.count() == len(SCHEDULE)
    call_command("run_scheduler", "--once", stdout=StringIO())
    assert DBTaskResult.objects.count() == len(SCHEDULE)


@pytest.mark.django_db
def test_the_queued_tasks_run(settings):
    """With the immediate backend the scheduled tasks run at once: each returns its counts."""
    results = runner.run_due(datetime(2026, 12, 3, 16, 5, tzinfo=UTC))
    assert {item.name for item in results} == {entry.name for entry in SCHEDULE}


@pytest.mark.parametrize("_", [None])
@pytest.mark.usefixtures("database_tasks")
@postgres_race[0]
@postgres_race[1]
def test_schedulers_racing_queue_each_period_once(_):
    now = datetime(2026, 12, 3, 16, 5, tzinfo=UTC)
    outcomes = together(lambda _index: runner.run_due(now))
    assert outcomes.errors == []
    assert sum(len(result) for result in outcomes.results) == len(SCHEDULE)
    for entry in SCHEDULE:
        assert queued(entry.task) == 1
    again = together(lambda _index: runner.run_due(now + timedelta(days=1)))
    assert sum(len(result) for result in again.results) == len(SCHEDULE)
    assert DBTaskResult.objects.count() == 2 * len(SCHEDULE)


@pytest.mark.django_db
def test_metrics_say_when_each_entry_was_queued_and_how_long_tasks_wait(database_tasks, scrape):  # noqa: F811
    before = scrape()
    assert before.value("registration_scheduled_last_enqueued_timestamp_seconds", entry="apply_retention") == 0
    assert before.value("registration_tasks_oldest_due_seconds") == 0
    now = timezone.now()
    runner.run_due(now)
    DBTaskResult.objects.update(enqueued_at=now - timedelta(minutes=20))  # the worker is stopped
    after = scrape()
    for entry in SCHEDULE:
        queued_at = after.value("registration_scheduled_last_enqueued_timestamp_seconds", entry=entry.name)
        assert queued_at == pytest.approx(now.timestamp(), abs=1)
    assert after.value("registration_tasks_ready") == len(SCHEDULE)
    assert 20 * 60 <= after.value("registration_tasks_oldest_due_seconds") < 21 * 60
