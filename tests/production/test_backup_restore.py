"""Backups that restore: a set made of one stack brings a new, empty stack back to work (scripts/backup.py).

A person registers over HTTP with their scans; ``make backup``'s command runs; the stack is stopped as
if lost. A new stack (its own PostgreSQL cluster, an empty scans folder, the same app keys) refuses a
tampered set, a restore without the private key and one with another key, all before anything is
written; then the set is restored, a service-centre clerk logs in to the workspace, sees the scan
byte for byte as uploaded and confirms the identity, and the person's account is active.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

from scripts.journey import Browser, Person, register, scans
from scripts.stack import ROOT, Stack

from .conftest import new_stack

STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[backup proof {time.monotonic() - STARTED:6.1f} s] {message}", flush=True)


@pytest.fixture(scope="module")
def age_keys(binaries, tmp_path_factory):
    """The backup key pair (made offline in production): the public key, the private key's file, another key."""
    if shutil.which("age") is None or shutil.which("age-keygen") is None:
        message = "the backup proof needs age (apt-get install age)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("backup-keys")
    for name in ("backup-key.txt", "other-key.txt"):
        subprocess.run(["age-keygen", "-o", str(folder / name)], check=True, capture_output=True)
    public = subprocess.run(
        ["age-keygen", "-y", str(folder / "backup-key.txt")], check=True, capture_output=True, text=True
    ).stdout.strip()
    return public, folder / "backup-key.txt", folder / "other-key.txt"


def run_backup(stack: Stack, *args: str) -> subprocess.CompletedProcess:
    """``python -m scripts.backup ARGS`` (what ``make backup`` and ``make restore`` run) with the stack's settings."""
    result = subprocess.run(
        [sys.executable, "-m", "scripts.backup", *args],
        cwd=ROOT,
        env=stack.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    for line in (result.stdout + result.stderr).splitlines():
        log(f"  | {line}")
    return result


def tables(stack: Stack) -> int:
    return stack.sql("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")[0][0]


def stored_files(stack: Stack) -> int:
    return sum(1 for path in (stack.files).rglob("*") if path.is_file() and "static" not in path.parts)


def test_a_backup_restores_into_an_empty_stack_where_a_clerk_confirms(age_keys, tmp_path):
    """Backup, a new empty stack, refusals before any write, restore, the clerk's confirmation, the same scan bytes."""
    public_key, private_key, other_key = age_keys
    backups = tmp_path / "backups"

    # The stack in service: a clerk's account (the demo data's), and a person who registers with scans.
    old = new_stack(pg_port=54411, redis_port=6411)
    try:
        old.start(app_servers=1)
        clerk_password = re.search(r"clerk@example\.org\s+(\S+)", old.manage("load_demo_data")).group(1)
        person = Person.random()
        browser = Browser([server.url for server in old.servers])
        assert register(browser, person, old).completed
        (applicant_pk, number), *_ = old.sql(
            "SELECT a.id, a.application_number FROM accounts_applicant a JOIN accounts_account u "
            f"ON u.id = a.account_id WHERE u.email = '{person.email}'"
        )
        (document_pk,), *_ = old.sql(
            f"SELECT id FROM accounts_document WHERE applicant_id = {applicant_pk} AND role = 'identity'"
        )
        before = browser.get(f"/account/documents/{document_pk}/scan/")
        assert before.status == 200 and before.body == scans()["png"]
        accounts = old.sql("SELECT count(*) FROM accounts_account")[0][0]
        assert old.sql(f"SELECT status FROM accounts_account WHERE email = '{person.email}'") == [("pending",)]
        log(
            f"registered {person.email} over HTTP: application {number}, identity scan {len(before.body)} bytes; "
            f"{accounts} accounts, {stored_files(old)} stored files"
        )

        # As if the set were made by the previous version of the site: one migration behind this code.
        codes = sorted(path.stem for path in (ROOT / "registration" / "codes" / "migrations").glob("0*.py"))
        old.manage("migrate", "codes", codes[-2])
        log(f"codes.{codes[-1]} unapplied: the database is as the previous version left it")

        made = run_backup(old, "backup", "--to", str(backups), "--recipient", public_key)
        assert made.returncode == 0, made.stderr
    finally:
        old.stop()
    (archive,) = backups.glob("registration-*.tar.age")
    assert (backups / f"{archive.name}.sha256").read_text().split()[1] == archive.name
    assert scans()["png"] not in archive.read_bytes()  # encrypted
    status = json.loads((backups / "last-success.json").read_text())  # what the backup-age alert reads
    assert (status["set"], status["size"]) == (archive.name, archive.stat().st_size)
    assert status["sha256"] == (backups / f"{archive.name}.sha256").read_text().split()[0]
    log(f"the first stack is gone; the set: {archive.name}, {archive.stat().st_size} bytes")

    # A new stack: its own PostgreSQL cluster (no schema), Redis, an empty scans folder, the same app keys.
    new = new_stack(pg_port=54412, redis_port=6412)
    new.secret_key = old.secret_key
    try:
        new.start_services()
        assert tables(new) == 0 and stored_files(new) == 0

        # Refused before anything is written: one byte changed (the .sha256 catches it; without the .sha256,
        # age's authentication does), no private key, another key.
        tampered = tmp_path / "tampered" / archive.name
        tampered.parent.mkdir()
        data = bytearray(archive.read_bytes())
        data[len(data) // 2] ^= 0x01
        tampered.write_bytes(bytes(data))
        shutil.copy(backups / f"{archive.name}.sha256", tampered.parent)
        refused = run_backup(new, "restore", str(tampered), "--identity", str(private_key))
        assert refused.returncode == 2 and "SHA-256 differs" in refused.stderr
        (tampered.parent / f"{archive.name}.sha256").unlink()
        refused = run_backup(new, "restore", str(tampered), "--identity", str(private_key))
        assert refused.returncode == 2 and "damaged or was changed" in refused.stderr
        assert "authenticate" in refused.stderr
        refused = run_backup(new, "restore", str(archive))
        assert refused.returncode == 2 and "needs the private key" in refused.stderr
        refused = run_backup(new, "restore", str(archive), "--identity", str(other_key))
        assert refused.returncode == 2 and "does not open this backup" in refused.stderr
        assert tables(new) == 0 and stored_files(new) == 0
        log("tampered set, no private key, another key: each refused, nothing written (0 tables, 0 files)")

        restored = run_backup(new, "restore", str(archive), "--identity", str(private_key))
        assert restored.returncode == 0, restored.stderr
        assert "match the manifest" in restored.stdout
        assert "applied after the restore (the backup came from an older version)" in restored.stdout
        assert new.sql(f"SELECT count(*) FROM django_migrations WHERE name = '{codes[-1]}'") == [(1,)]
        assert new.sql("SELECT count(*) FROM accounts_account")[0][0] == accounts
        assert stored_files(new) >= 2
        again = run_backup(new, "restore", str(archive), "--identity", str(private_key))
        assert again.returncode == 2 and "not empty" in again.stderr  # a second restore needs --force
        forced = run_backup(new, "restore", str(archive), "--identity", str(private_key), "--force")
        assert forced.returncode == 0 and "--force: dropped the" in forced.stdout, forced.stderr
        assert new.sql("SELECT count(*) FROM accounts_account")[0][0] == accounts
        log(f"restored: {tables(new)} tables, {accounts} accounts, {stored_files(new)} stored files")

        new.manage("collectstatic", "--noinput")
        new.start_worker()
        server = new.start_app()

        # The clerk logs in to the workspace, opens the application, downloads the scan and confirms.
        desk = Browser([server.url])
        desk.get("/admin/login/")
        login = desk.post("/admin/login/?next=/admin/", {"username": "clerk@example.org", "password": clerk_password})
        assert login.status == 302 and login.location.endswith("/admin/"), login.status
        page = desk.get(f"/admin/identity/pendingapplication/{applicant_pk}/change/")
        assert page.status == 200 and number in page.text
        after = desk.get(f"/account/documents/{document_pk}/scan/")
        assert after.status == 200 and after.body == before.body
        log(f"clerk logged in; application {number} open; scan downloaded: {len(after.body)} bytes, the same bytes")
        confirmed = desk.post(
            f"/admin/identity/pendingapplication/{applicant_pk}/confirm/",
            {"originals": "identity_document", "mode": "now", "note": ""},
        )
        assert confirmed.status == 302, confirmed.status
        assert new.sql(f"SELECT status FROM accounts_account WHERE email = '{person.email}'") == [("active",)]
        shown = desk.get(confirmed.location)
        assert "Identity confirmed" in shown.text
        log(f"clerk confirmed the identity: {person.email} is active")
    finally:
        new.stop()
