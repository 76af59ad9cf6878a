"""The clerks' queues as Prometheus gauges, counted at scrape time from the queue's indexed columns."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from registration.accounts.models import AccountStatus, Applicant
from registration.identity import registry


class QueueCollector:
    """Pending applications per identity-confirmation method (the desk working on them; ``none``: not chosen yet).

    One grouped count over ``applicant_queue_method`` (``queue_status``, ``queue_method``, …): an index-only scan.
    """

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "registration_queue_length",
            "Pending applications waiting on each desk (identity-confirmation method; none: no method chosen yet).",
            labels=["desk"],
        )
        counts = dict(
            Applicant.objects.filter(queue_status=AccountStatus.PENDING)
            .order_by()
            .values("queue_method")
            .annotate(n=Count("id"))
            .values_list("queue_method", "n")
        )
        for code in ["", *(method.code for method in registry.all_methods())]:
            family.add_metric([code or "none"], counts.pop(code, 0))
        if counts:  # a method no longer offered, with applications still waiting
            family.add_metric(["other"], sum(counts.values()))
        yield family
