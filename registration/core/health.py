"""Probes for load balancers and orchestrators: ``/healthz`` (alive) and ``/readyz`` (ready to serve).

``/healthz`` is the liveness probe: it answers from the process alone, touching nothing, so that a
database outage never makes an orchestrator restart healthy app servers.

``/readyz`` is the readiness probe, built on django-health-check's checks and runner (each check in its
own thread with a time budget, every exception caught): the database answers, the cache stores and
returns a value, the scans storage writes, reads back and deletes a small probe object (through the
encryption layer), every migration is applied, and (where tasks queue in the database) the task worker
keeps up: no task has been due for longer than ``REGISTRATION_HEALTH_TASK_DELAY`` seconds. That is the
worker's heartbeat as the database sees it: a dead or stuck worker fails the check as soon as work waits
for it, and an idle queue has nothing to fail. The answer is
``{"status": "ok" | "fail", "checks": {"database": "ok", ...}}`` with 200 or 503: only names and
``ok``/``fail``, never the error, a host or a path (those go to the log). Each process reuses its last
answer for ``CACHE_SECONDS``, so that a probe every second costs a check every few seconds.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from health_check.base import HealthCheck, HealthCheckResult
from health_check.checks import Cache, Database, Storage
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from registration.core.conf import app_settings

#: Seconds one process reuses its last readiness answer.
CACHE_SECONDS = 3.0


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers requests (no database, cache or storage is asked)."""
    return JsonResponse({"status": "ok"})


@dataclasses.dataclass
class Migrations(HealthCheck):
    """Every migration on disk is applied to the database."""

    alias: str = "default"

    def run(self) -> None:
        connection = connections[self.alias]
        try:
            with connection.temporary_connection():
                executor = MigrationExecutor(connection)
                plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as exc:
            raise ServiceUnavailable("the database could not be read") from exc
        if plan:
            raise ServiceUnavailable(f"{len(plan)} migration(s) not applied")


def database_tasks() -> bool:
    """Whether background tasks queue in the database (and so a ``db_worker`` must run them)."""
    backend = str(settings.TASKS.get("default", {}).get("BACKEND", ""))
    return backend.startswith("django_tasks_db")


@dataclasses.dataclass
class TaskWorker(HealthCheck):
    """No task has waited for the worker longer than ``REGISTRATION_HEALTH_TASK_DELAY`` seconds."""

    alias: str = "default"

    def run(self) -> None:
        from django_tasks_db.models import DBTaskResult, get_date_max

        overdue = timezone.now() - timedelta(seconds=int(app_settings.HEALTH_TASK_DELAY))
        connection = connections[self.alias]
        try:
            with connection.temporary_connection():
                # A READY task is due from its run_after, or (run_after unset: the far future) from enqueueing.
                late = (
                    DBTaskResult.objects.using(self.alias)
                    .filter(status="READY")
                    .filter(Q(run_after=get_date_max(), enqueued_at__lt=overdue) | Q(run_after__lt=overdue))
                    .exists()
                )
        except DatabaseError as exc:
            raise ServiceUnavailable("the task queue could not be read") from exc
        if late:
            raise ServiceUnavailable("tasks wait longer than allowed: is the worker running?")


def checks() -> dict[str, HealthCheck]:
    """The readiness checks by their public name."""
    found: dict[str, HealthCheck] = {
        "database": Database(),
        "cache": Cache(),
        "scans_storage": Storage(alias="scans"),
        "migrations": Migrations(),
    }
    if database_tasks():
        found["task_worker"] = TaskWorker()
    return found


_lock = threading.Lock()
_last: tuple[float, dict[str, bool]] | None = None


def forget() -> None:
    """Drop the reused answer (tests; after a deploy step that should show at once)."""
    global _last
    with _lock:
        _last = None


async def _run(found: dict[str, HealthCheck]) -> dict[str, bool]:
    results: list[HealthCheckResult] = await asyncio.gather(*(check.get_result(None) for check in found.values()))
    return {name: result.error is None for name, result in zip(found, results, strict=True)}


class ReadinessView(HealthCheckView):
    """django-health-check's runner with the public answer above (no HTML, no detail, 503 on failure)."""

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:  # type: ignore[override]
        global _last
        now = time.monotonic()
        last = _last
        if last is not None and now - last[0] < CACHE_SECONDS:
            passed = last[1]
        else:
            passed = await _run(checks())
            with _lock:
                _last = (time.monotonic(), passed)
        ok = all(passed.values())
        shown = {name: "ok" if good else "fail" for name, good in passed.items()}
        return JsonResponse({"status": "ok" if ok else "fail", "checks": shown}, status=200 if ok else 503)


readyz = ReadinessView.as_view()
