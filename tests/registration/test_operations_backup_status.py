"""Backup freshness: ``make backup`` writes a status file after a checked set; /metrics serves its time."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import stat
import subprocess

import pytest
from django.db import connection

from scripts import backup
from tests.registration.test_operations_metrics import scrape  # noqa: F401 (a fixture)

STATUS_FIELDS = {"kind", "finished_at", "finished_at_unix", "set", "size", "sha256", "seconds"}
needs_postgres_and_age = pytest.mark.skipif(
    shutil.which("age") is None or shutil.which("pg_dump") is None,
    reason="needs age and pg_dump (apt-get install age postgresql-client)",
)


def test_the_status_file_says_when_which_set_how_big_and_nothing_else(tmp_path):
    archive = tmp_path / "registration-20261203T023000Z.tar.age"
    archive.write_bytes(b"x" * 1234)
    when = dt.datetime(2026, 12, 3, 2, 31, 5, tzinfo=dt.UTC)
    path = backup.write_status(tmp_path / "status" / "last-success.json", archive, "ab" * 32, 65.04, now=when)
    status = json.loads(path.read_text())
    assert set(status) == STATUS_FIELDS
    assert status["kind"] == "registration-backup-status"
    assert status["finished_at"] == "2026-12-03T02:31:05+00:00"
    assert status["finished_at_unix"] == when.timestamp()
    assert (status["set"], status["size"], status["sha256"], status["seconds"]) == (archive.name, 1234, "ab" * 32, 65.0)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # the app servers read it
    assert [p.name for p in path.parent.iterdir()] == ["last-success.json"]  # written whole, then renamed


@pytest.fixture
def age_key(tmp_path):
    key = tmp_path / "key.txt"
    subprocess.run(["age-keygen", "-o", str(key)], check=True, capture_output=True)
    return subprocess.run(["age-keygen", "-y", str(key)], check=True, capture_output=True, text=True).stdout.strip()


@needs_postgres_and_age
@pytest.mark.django_db(transaction=True)
def test_a_successful_backup_writes_the_status_and_a_failed_one_leaves_it(tmp_path, age_key, settings):
    if connection.vendor != "postgresql":
        pytest.skip("backups need PostgreSQL (DATABASE_URL=postgres://…)")
    settings.STORAGES = {
        **settings.STORAGES,
        "scans": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "s"}},
        "wizard": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "w"}},
    }
    folder = tmp_path / "backups"
    archive = backup.backup(folder, [age_key])
    status = json.loads((folder / "last-success.json").read_text())
    digest = (folder / f"{archive.name}.sha256").read_text().split()[0]
    assert (status["set"], status["size"], status["sha256"]) == (archive.name, archive.stat().st_size, digest)
    assert abs(status["finished_at_unix"] - dt.datetime.now(dt.UTC).timestamp()) < 120

    elsewhere = tmp_path / "monitor" / "backup.json"
    with pytest.raises(backup.BackupError):  # age refuses a key that is not one
        backup.backup(folder, ["age1notakey"], status_file=elsewhere, now=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    assert not elsewhere.exists()
    assert json.loads((folder / "last-success.json").read_text()) == status


@pytest.mark.django_db
def test_metrics_serve_the_last_backup_time(tmp_path, settings, scrape):  # noqa: F811
    path = tmp_path / "last-success.json"
    settings.REGISTRATION_BACKUP_STATUS_FILE = str(path)
    assert scrape().value("registration_backup_last_success_timestamp_seconds") == 0  # none yet: the alert fires
    archive = tmp_path / "registration-20261203T023000Z.tar.age"
    archive.write_bytes(b"x" * 2048)
    when = dt.datetime(2026, 12, 3, 2, 31, tzinfo=dt.UTC)
    backup.write_status(path, archive, "cd" * 32, 12.0, now=when)
    found = scrape()
    assert found.value("registration_backup_last_success_timestamp_seconds") == when.timestamp()
    assert found.value("registration_backup_last_success_size_bytes") == 2048
    path.write_text("{not json")
    assert scrape().value("registration_backup_last_success_timestamp_seconds") == 0


@pytest.mark.django_db
def test_no_status_file_configured_no_backup_metric(settings, scrape):  # noqa: F811
    settings.REGISTRATION_BACKUP_STATUS_FILE = ""
    assert "registration_backup_last_success" not in scrape().text
