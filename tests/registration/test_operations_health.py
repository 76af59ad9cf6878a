"""The probes: /healthz answers without any dependency; /readyz checks each one and says only ok or fail."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import OperationalError, connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from registration.core import health
from registration.core.storage import EncryptedStorage

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
SECRET_DETAIL = "10.0.0.5"


@pytest.fixture(autouse=True)
def _fresh_answer():
    """Each test sees its own readiness answer, not one reused from the test before."""
    health.forget()
    yield
    health.forget()


def readiness(client):
    health.forget()
    response = client.get("/readyz")
    return response, response.json()


def test_liveness_touches_no_database(client):
    """/healthz answers 200 with database access forbidden (pytest-django refuses any query without the db mark)."""
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_ready_when_everything_answers(client, transactional_db):
    """Database, cache, scans storage and migrations: 200 and every check "ok"; no cookie, never cached."""
    response, body = readiness(client)
    assert response.status_code == 200
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "scans_storage": "ok", "migrations": "ok"},
    }
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_database_down_gives_503_without_detail(client, transactional_db):
    """A database that refuses connections: 503, "database" (and what needs it) fail, no error text or host."""
    with mock.patch.object(
        type(connections["default"]),
        "get_new_connection",
        side_effect=OperationalError(f"could not connect to {SECRET_DETAIL}"),
    ):
        response, body = readiness(client)
    assert response.status_code == 503
    assert body["status"] == "fail"
    assert body["checks"]["database"] == "fail"
    assert body["checks"]["migrations"] == "fail"
    assert body["checks"]["cache"] == "ok"
    assert SECRET_DETAIL not in response.content.decode()
    assert set(body) == {"status", "checks"} and set(body["checks"].values()) <= {"ok", "fail"}


def test_cache_failing_gives_503(client, transactional_db):
    """The cache (Redis) refuses connections: 503, "cache" fails, the rest is ok."""
    from django.core.cache.backends.locmem import LocMemCache

    with mock.patch.object(LocMemCache, "set", side_effect=ConnectionError(f"Error 111 connecting to {SECRET_DETAIL}")):
        response, body = readiness(client)
    assert response.status_code == 503
    assert body["checks"] == {
        "database": "ok",
        "cache": "fail",
        "scans_storage": "ok",
        "migrations": "ok",
    }
    assert SECRET_DETAIL not in response.content.decode()


def test_scans_storage_failing_gives_503(client, transactional_db):
    """The scans storage cannot write its probe object: 503, "scans_storage" fails, the path is not shown."""
    with mock.patch.object(EncryptedStorage, "_save", side_effect=PermissionError(13, "denied", "/srv/scans/x")):
        response, body = readiness(client)
    assert response.status_code == 503
    assert body["checks"]["scans_storage"] == "fail"
    assert body["checks"]["database"] == "ok"
    assert "/srv/scans" not in response.content.decode() and "denied" not in response.content.decode()


def test_the_storage_probe_goes_through_the_encryption_and_leaves_nothing(client, transactional_db, settings):
    """The probe object reaches the wrapped storage as ciphertext, is read back, deleted: no file remains."""
    from pathlib import Path

    from registration.core.storage import is_sealed

    stored: list[bytes] = []
    names: list[str] = []
    inner = type(EncryptedStorage().inner)
    real_save = inner._save

    def spy(self, name, content):
        stored.append(content.read())
        content.seek(0)
        names.append(real_save(self, name, content))
        return names[-1]

    with mock.patch.object(inner, "_save", spy):
        response, _ = readiness(client)
    assert response.status_code == 200
    assert stored and all(is_sealed(raw) and b"health_check" not in raw for raw in stored)
    scans = Path(settings.STORAGES["scans"]["OPTIONS"]["location"])
    assert names and not [name for name in names if (scans / name).exists()]


def test_unapplied_migrations_give_503(client, transactional_db):
    """A migration on disk that the database has not applied: 503, "migrations" fails."""
    recorder = MigrationRecorder(connection)
    app, name = recorder.migration_qs.filter(app="codes").order_by("-id").values_list("app", "name").first()
    recorder.record_unapplied(app, name)
    try:
        response, body = readiness(client)
    finally:
        recorder.record_applied(app, name)
    assert response.status_code == 503
    assert body["checks"]["migrations"] == "fail"
    assert body["checks"]["database"] == "ok"
    response, body = readiness(client)
    assert response.status_code == 200


def enqueue_task(*, waited: timedelta, run_after=None):
    from django_tasks_db.models import DBTaskResult, get_date_max

    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="registration.registries.tasks.run_checks",
        backend_name="default",
        run_after=run_after or get_date_max(),
    )
    DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - waited)
    return row


def test_a_stale_task_queue_means_the_worker_is_not_ready(client, transactional_db, settings):
    """Tasks in the database: a task due 20 minutes ago and not started fails "task_worker"; fresh ones do not."""
    settings.TASKS = DATABASE_TASKS
    settings.REGISTRATION_HEALTH_TASK_DELAY = 600
    response, body = readiness(client)
    assert response.status_code == 200 and body["checks"]["task_worker"] == "ok"

    enqueue_task(waited=timedelta(minutes=2))
    # Scheduled for later (a registry re-check): waiting for its time is not the worker's fault.
    enqueue_task(waited=timedelta(hours=2), run_after=timezone.now() + timedelta(minutes=5))
    response, body = readiness(client)
    assert response.status_code == 200 and body["checks"]["task_worker"] == "ok"

    stale = enqueue_task(waited=timedelta(minutes=20))
    response, body = readiness(client)
    assert response.status_code == 503
    assert body["checks"]["task_worker"] == "fail" and body["checks"]["database"] == "ok"

    stale.delete()
    enqueue_task(waited=timedelta(hours=1), run_after=timezone.now() - timedelta(minutes=15))  # due 15 min ago
    response, body = readiness(client)
    assert response.status_code == 503 and body["checks"]["task_worker"] == "fail"


def test_the_answer_is_reused_for_a_few_seconds(client, transactional_db):
    """Probes every second do not each run every check: the last answer serves for CACHE_SECONDS."""
    assert client.get("/readyz").status_code == 200
    with mock.patch.object(EncryptedStorage, "_save", side_effect=OSError("down")):
        assert client.get("/readyz").status_code == 200  # reused
        health.forget()
        assert client.get("/readyz").status_code == 503
