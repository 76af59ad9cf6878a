"""THE list of the service's periodic work: what is queued, and when (``manage.py run_scheduler`` queues it).

Each entry names a django-tasks task (its dotted path, run by ``manage.py db_worker``) and either an
interval (periods aligned on the Unix epoch: every 10 minutes is :00, :10, :20 …) or a daily time in the
site's time zone (``TIME_ZONE``). The management commands of the same work stay, for cron or a manual run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

_EPOCH = datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC"))


@dataclass(frozen=True)
class Entry:
    """A piece of periodic work: ``every`` or ``daily_at`` (local time of ``TIME_ZONE``), not both."""

    name: str
    task: str
    every: timedelta | None = None
    daily_at: time | None = None

    def __post_init__(self) -> None:
        if (self.every is None) == (self.daily_at is None):
            raise ValueError(f"{self.name}: give exactly one of every= and daily_at=.")
        if self.every is not None and self.every < timedelta(minutes=1):
            raise ValueError(f"{self.name}: an interval of at least a minute.")

    def period_start(self, now: datetime) -> datetime:
        """The start of the period ``now`` (aware) is in: the run due at or before ``now``."""
        if self.every is not None:
            step = self.every.total_seconds()
            elapsed = (now - _EPOCH).total_seconds()
            return _EPOCH + timedelta(seconds=(elapsed // step) * step)
        assert self.daily_at is not None
        zone = ZoneInfo(settings.TIME_ZONE)
        local = now.astimezone(zone)
        start = datetime.combine(local.date(), self.daily_at, tzinfo=zone)
        if start > local:
            start = datetime.combine(local.date() - timedelta(days=1), self.daily_at, tzinfo=zone)
        return start.astimezone(ZoneInfo("UTC"))

    def next_start(self, now: datetime) -> datetime:
        """When the next period begins (the first run due after ``now``)."""
        if self.every is not None:
            return self.period_start(now) + self.every
        assert self.daily_at is not None
        zone = ZoneInfo(settings.TIME_ZONE)
        local = self.period_start(now).astimezone(zone)
        following = datetime.combine(local.date() + timedelta(days=1), self.daily_at, tzinfo=zone)
        return following.astimezone(ZoneInfo("UTC"))


SCHEDULE: tuple[Entry, ...] = (
    # Personal data past its time (README: Personal data), the wizard's purge included.
    Entry("apply_retention", "registration.privacy.tasks.apply_retention", daily_at=time(3, 30)),
    # The wizard's abandoned uploads and codes, hourly (the retention above does it once more at night).
    Entry("purge_wizard_files", "registration.onboarding.tasks.purge_wizard_files", every=timedelta(hours=1)),
    # Reminders of stays that end within 7 days, in the morning of the site's day.
    Entry("remind_services", "registration.services.tasks.remind_services", daily_at=time(9, 0)),
    # Payments left pending: asked about, then expired.
    Entry("reconcile_payments", "registration.payments.tasks.reconcile_payments", every=timedelta(minutes=10)),
    # A safety net for registry checks whose queued task was lost.
    Entry("recheck_registries", "registration.registries.tasks.recheck_registries", every=timedelta(minutes=5)),
)
