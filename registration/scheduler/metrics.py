"""When each piece of scheduled work was last queued, as a Prometheus gauge read at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily

from registration.scheduler.models import ScheduledRun
from registration.scheduler.schedule import SCHEDULE


class ScheduleCollector:
    """``registration_scheduled_last_enqueued_timestamp_seconds{entry}``: 0 for an entry never queued."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "registration_scheduled_last_enqueued_timestamp_seconds",
            "When the scheduler last queued each piece of scheduled work (Unix time; 0: never).",
            labels=["entry"],
        )
        last = dict(ScheduledRun.objects.values_list("name", "last_enqueued_at"))
        for entry in SCHEDULE:
            when = last.get(entry.name)
            family.add_metric([entry.name], when.timestamp() if when else 0.0)
        yield family
