"""The migration office's desk in ``registration_queue_length``: its applications waiting, per service."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily

from registration.services import registry
from registration.services.models import DESK_STATUSES, ServiceApplication


def desk_label(service: str) -> str:
    return f"migration:{service}"


class ServiceQueueCollector:
    """Applications submitted or in review, per service (``desk="migration:<service>"``); one grouped count on
    the ``services_queue_service`` index. Served in the same family as the identity desks' queues."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "registration_queue_length",
            "Pending applications waiting on each desk (identity-confirmation method; none: no method chosen yet).",
            labels=["desk"],
        )
        counts = dict(
            ServiceApplication.objects.filter(status__in=DESK_STATUSES)
            .order_by()
            .values("service")
            .annotate(n=Count("id"))
            .values_list("service", "n")
        )
        for service in registry.all_services():
            family.add_metric([desk_label(service.code)], counts.pop(service.code, 0))
        if counts:  # a service no longer offered, with applications still waiting
            family.add_metric([desk_label("other")], sum(counts.values()))
        yield family
