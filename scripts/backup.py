"""Backups that restore (``make backup``, ``make restore``): the database and the scans, encrypted, in one set.

``backup`` writes one file, ``registration-YYYYMMDDTHHMMSSZ.tar.age``, and beside it its SHA-256
(``….tar.age.sha256``). Inside the encryption is a tar stream of:

* ``database.dump``: ``pg_dump --format=custom`` of ``DATABASE_URL``, taken first (so that every scan
  the dump refers to is already stored when the files are copied);
* ``storages/<alias>/<name>``: every file of the ``scans`` and ``wizard`` storages, copied through the
  storage API (a local folder or an S3 bucket alike) as stored, that is as the site's ciphertext under
  its own keys: nothing is decrypted;
* ``manifest.json`` (last): the time, the size and SHA-256 of every part, and the migrations applied.

The stream is encrypted with `age <https://age-encryption.org>`_ (Debian's ``age`` package) for one or
more public keys (``BACKUP_AGE_RECIPIENTS``): the machine that makes backups cannot read them; the
private key (an age identity file) is kept offline and brought only to restore. Nothing is held in
memory whole: the dump is spooled to a temporary file (its size must be known for the tar header), the
files stream through ``tar`` into ``age``.

``restore`` checks before it touches anything: the file's SHA-256 against its ``.sha256``, then age's
own authentication while it decrypts into a private staging folder, then every part's size and SHA-256
against the manifest, that the backup's migrations are known to this code, and that the database and
the storages are empty (``--force`` empties the database's schema first). Then ``pg_restore`` (one
transaction), the files through the storage API, and ``migrate`` (a backup of an older version restores
into newer code). The site's own keys (``DJANGO_SECRET_KEY``, ``REGISTRATION_ENCRYPTION_KEYS``,
``REGISTRATION_LOOKUP_KEY``) are not in the backup: the restored site needs the same ones.

After a set is written and read back against its SHA-256, ``backup`` replaces a small status file
(``last-success.json`` in the folder, or ``BACKUP_STATUS_FILE``): the time, the set's name, size and
SHA-256, nothing personal; the site serves its time as a metric for the alert on stale backups.

``verify`` does the checks of ``restore`` without a target. Exit status: 0 done, 2 refused or failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

FORMAT = 1
KIND = "registration-backup"
STORAGE_ALIASES = ("scans", "wizard")
DUMP = "database.dump"
MANIFEST = "manifest.json"
NAME = re.compile(r"^registration-(\d{8}T\d{6}Z)\.tar\.age$")
CHUNK = 1024 * 1024
#: The status file of the last successful backup (in ``BACKUP_DIR`` unless ``BACKUP_STATUS_FILE`` says).
STATUS = "last-success.json"
STATUS_KIND = "registration-backup-status"


class BackupError(Exception):
    """A backup or restore refused or failed, with a message for the operator."""


# Output -----------------------------------------------------------------------------------------


def say(message: str) -> None:
    print(message, flush=True)


def _since(started: float) -> str:
    return f"{time.monotonic() - started:.1f} s"


def human(size: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError  # pragma: no cover


# Django, PostgreSQL, age ----------------------------------------------------------------------------


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()


def _tool(name: str) -> str:
    folder = os.environ.get("BACKUP_PG_BIN", "")
    if name.startswith("pg_") and folder:
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if found is None:
        package = "age" if name == "age" else "postgresql-client"
        raise BackupError(f"{name} is not installed (apt-get install {package})")
    return found


def libpq_environment() -> dict[str, str]:
    """The connection to ``DATABASE_URL`` for pg_dump and pg_restore, in libpq's variables (no password in ``ps``)."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if "postgresql" not in database["ENGINE"]:
        raise BackupError("backups need PostgreSQL: DATABASE_URL=postgres://… (for SQLite, copy its file)")
    env = dict(os.environ)
    pairs = {
        "PGHOST": database.get("HOST"),
        "PGPORT": database.get("PORT"),
        "PGUSER": database.get("USER"),
        "PGPASSWORD": database.get("PASSWORD"),
        "PGDATABASE": database.get("NAME"),
        "PGSSLMODE": (database.get("OPTIONS") or {}).get("sslmode"),
    }
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def applied_migrations() -> list[str]:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def known_migrations() -> set[str]:
    """Every migration this code knows, with the ones its squashed migrations replace."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set()
    for (app, name), migration in loader.disk_migrations.items():
        known.add(f"{app}.{name}")
        known.update(f"{a}.{n}" for a, n in migration.replaces)
    return known


def stored_storages() -> dict[str, Any]:
    """The storages that hold the bytes of ``scans`` and ``wizard``: inside the encryption wrapper, as stored."""
    from django.core.files.storage import storages

    from registration.core.storage import EncryptedStorage

    found = {}
    for alias in STORAGE_ALIASES:
        storage = storages[alias]
        found[alias] = storage.inner if isinstance(storage, EncryptedStorage) else storage
    return found


def storage_files(storage: Any) -> list[str]:
    from registration.core.storage import walk

    return sorted(walk(storage))


# Streams ----------------------------------------------------------------------------------------


class HashingReader:
    """Reads through a file, counting bytes and computing their SHA-256."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream = stream
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.sha256.update(data)
        self.size += len(data)
        return data


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _add(tar: tarfile.TarFile, name: str, stream: IO[bytes], size: int) -> tuple[int, str]:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(time.time())
    reader = HashingReader(stream)
    tar.addfile(info, reader)  # tarfile reads exactly `size` bytes in chunks
    return reader.size, reader.sha256.hexdigest()


# Backup -----------------------------------------------------------------------------------------


def recipients_from(value: str) -> list[str]:
    recipients = [item for item in re.split(r"[\s,]+", value) if item]
    if not recipients:
        raise BackupError(
            "no backup key: set BACKUP_AGE_RECIPIENTS (or --recipient) to the public key of the backup key pair, "
            "age1… (made offline with age-keygen; see README, Backups and restore)"
        )
    for recipient in recipients:
        if not recipient.startswith(("age1", "ssh-")):
            raise BackupError(f"{recipient[:12]}… is not an age public key (age1…): the private key stays offline")
    return recipients


def backup(
    directory: Path,
    recipients: Sequence[str],
    *,
    keep_daily: int = 0,
    now: dt.datetime | None = None,
    work_dir: Path | None = None,
    status_file: Path | None = None,
) -> Path:
    """Write one encrypted backup set into ``directory``; returns its path.

    Once the set is renamed into place and read back against its SHA-256, the status file
    (``status_file``, default ``<directory>/last-success.json``) is replaced: see :func:`write_status`.
    """
    started = time.monotonic()
    now = now or dt.datetime.now(dt.UTC)
    age, pg_dump = _tool("age"), _tool("pg_dump")
    env = libpq_environment()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    final = directory / f"registration-{now:%Y%m%dT%H%M%SZ}.tar.age"
    if final.exists():
        raise BackupError(f"{final} exists already")
    partial = final.with_name(final.name + ".partial")
    migrations = applied_migrations()
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "kind": KIND,
        "created_at": now.isoformat(timespec="seconds"),
        "migrations": migrations,
        "storages": {},
        "files": [],
    }
    if work_dir is not None:
        work_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    # A private folder (0700): the dump holds the database's clear columns until it is encrypted.
    with tempfile.TemporaryDirectory(prefix="registration-backup-", dir=work_dir) as spool:
        dump = Path(spool) / DUMP
        took = time.monotonic()
        result = subprocess.run(
            [pg_dump, "--format=custom", "--no-password", f"--file={dump}"],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        version = subprocess.run([pg_dump, "--version"], capture_output=True, text=True, check=False).stdout.strip()
        say(f"database: pg_dump {human(dump.stat().st_size)} in {_since(took)} ({len(migrations)} migrations applied)")
        with partial.open("wb") as output:
            os.chmod(partial, 0o600)
            encrypt = subprocess.Popen(
                [age, "--encrypt", *(arg for r in recipients for arg in ("--recipient", r))],
                stdin=subprocess.PIPE,
                stdout=output,
                stderr=subprocess.PIPE,
            )
        assert encrypt.stdin is not None
        try:
            with tarfile.open(fileobj=encrypt.stdin, mode="w|", format=tarfile.PAX_FORMAT) as tar:
                with dump.open("rb") as handle:
                    size, sha = _add(tar, DUMP, handle, dump.stat().st_size)
                manifest["database"] = {"file": DUMP, "size": size, "sha256": sha, "pg_dump": version}
                dump.unlink()  # the spool's space back before the files
                for alias, storage in stored_storages().items():
                    took = time.monotonic()
                    entries = copy_out(tar, alias, storage)
                    manifest["files"].extend(entries)
                    count, total = len(entries), sum(entry["size"] for entry in entries)
                    manifest["storages"][alias] = {"backend": type(storage).__name__, "files": count, "bytes": total}
                    say(f"storage {alias} ({type(storage).__name__}): {count} files, {human(total)} in {_since(took)}")
                body = json.dumps(manifest, indent=1, sort_keys=True).encode()
                _add(tar, MANIFEST, io.BytesIO(body), len(body))
            encrypt.stdin.close()
        except BrokenPipeError as broken:
            encrypt.kill()
            stderr = encrypt.stderr.read().decode(errors="replace").strip() if encrypt.stderr else ""
            encrypt.wait()
            partial.unlink(missing_ok=True)
            raise BackupError(f"age could not encrypt: {stderr or broken}") from broken
        except BaseException:
            encrypt.kill()
            encrypt.wait()
            partial.unlink(missing_ok=True)
            raise
        error = encrypt.stderr.read().decode(errors="replace").strip() if encrypt.stderr else ""
        if encrypt.wait():
            partial.unlink(missing_ok=True)
            raise BackupError(f"age could not encrypt: {error}")
    with partial.open("rb+") as handle:
        os.fsync(handle.fileno())
    digest = file_sha256(partial)
    partial.rename(final)
    sidecar = final.with_name(final.name + ".sha256")
    sidecar.write_text(f"{digest}  {final.name}\n")
    if file_sha256(final) != digest:  # read back from the disk, as a restore will
        raise BackupError(f"{final} does not read back as written (SHA-256 differs): the disk is failing?")
    files = len(manifest["files"])
    say(
        f"backup: {final.name}, {human(final.stat().st_size)} encrypted for {len(recipients)} key(s), "
        f"database and {files} files, in {time.monotonic() - started:.1f} s; SHA-256 {digest[:16]}…"
    )
    if keep_daily:
        for removed in prune(directory, keep_daily):
            say(f"retention: removed {removed.name}")
    written = write_status(status_file or directory / STATUS, final, digest, time.monotonic() - started)
    say(f"status: {written}")
    return final


def write_status(path: Path, archive: Path, digest: str, seconds: float, *, now: dt.datetime | None = None) -> Path:
    """Replace (atomically) the status file of the last successful backup: its time, set, size and SHA-256.

    No personal data: the site reads it for ``registration_backup_last_success_timestamp_seconds``
    (``REGISTRATION_BACKUP_STATUS_FILE``), a monitor may read it as it is. Readable by the app servers (0644).
    """
    now = now or dt.datetime.now(dt.UTC)
    status = {
        "kind": STATUS_KIND,
        "finished_at": now.isoformat(timespec="seconds"),
        "finished_at_unix": round(now.timestamp(), 3),
        "set": archive.name,
        "size": archive.stat().st_size,
        "sha256": digest,
        "seconds": round(seconds, 1),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(status, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.chmod(partial, 0o644)
    partial.rename(path)
    return path


def backup_sets(directory: Path) -> list[tuple[dt.datetime, Path]]:
    """The backup sets in ``directory``, newest first."""
    found = []
    for path in directory.iterdir():
        match = NAME.match(path.name)
        if match:
            found.append((dt.datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC), path))
    return sorted(found, reverse=True)


def to_keep(sets: Iterable[tuple[dt.datetime, Path]], keep_daily: int) -> set[Path]:
    """The newest set of each of the ``keep_daily`` most recent days that have one."""
    keep: dict[dt.date, Path] = {}
    for made, path in sorted(sets, reverse=True):
        if made.date() not in keep:
            if len(keep) == keep_daily:
                break
            keep[made.date()] = path
    return set(keep.values())


def prune(directory: Path, keep_daily: int) -> list[Path]:
    """Remove every set (with its ``.sha256``) but the newest of each of the last ``keep_daily`` days."""
    if keep_daily < 1:
        raise BackupError("keep at least one day's backup")
    sets = backup_sets(directory)
    keep = to_keep(sets, keep_daily)
    removed = []
    for _made, path in sets:
        if path not in keep:
            path.unlink()
            path.with_name(path.name + ".sha256").unlink(missing_ok=True)
            removed.append(path)
    return removed


# Verification -----------------------------------------------------------------------------------


@dataclass
class Unpacked:
    """A backup set decrypted into a private staging folder, checked against its manifest."""

    folder: Path
    manifest: dict[str, Any]
    parts: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def dump(self) -> Path:
        return self.folder / DUMP

    def staged(self, storage: str, name: str) -> Path:
        return self.folder / "storages" / storage / name


def check_checksum_file(archive: Path) -> str:
    """The archive's SHA-256, which must equal its ``.sha256`` where there is one."""
    digest = file_sha256(archive)
    sidecar = archive.with_name(archive.name + ".sha256")
    if sidecar.exists():
        expected = sidecar.read_text().split()[0] if sidecar.read_text().split() else ""
        if expected != digest:
            raise BackupError(
                f"{archive.name}: its SHA-256 differs from {sidecar.name}: the file was changed or damaged; "
                "nothing was restored"
            )
    return digest


def _member_path(name: str) -> PurePosixPath:
    """A member's name, refused unless it is one of the parts a backup set has, inside the staging folder."""
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("", ".", "..") for part in path.parts):
        raise BackupError(f"the backup holds a path outside its folder ({name!r}); nothing was restored")
    if name in (DUMP, MANIFEST):
        return path
    if len(path.parts) >= 3 and path.parts[0] == "storages" and path.parts[1] in STORAGE_ALIASES:
        return path
    raise BackupError(f"the backup holds {name!r}, which is no part of a backup set; nothing was restored")


def _age_refusal(stderr: str, identity: Path) -> BackupError:
    lines = [line.strip() for line in stderr.splitlines() if line.startswith("age: error:")]
    detail = lines[0].removeprefix("age: error:").strip() if lines else "no detail"
    if "no identity matched" in detail:
        return BackupError(
            f"the key in {identity} does not open this backup ({detail}): it was made for another backup key, "
            "or its header was changed; nothing was restored"
        )
    if f"reading {str(identity)!r}" in detail or "unknown identity type" in detail:
        return BackupError(f"{identity} is not an age private key ({detail}); nothing was restored")
    return BackupError(
        f"the backup could not be decrypted: it is damaged or was changed ({detail}); nothing was restored"
    )


def unpack(archive: Path, identity: Path | None, folder: Path) -> Unpacked:
    """Decrypt and unpack ``archive`` into ``folder``, then check every part against the manifest."""
    if identity is None:
        raise BackupError(
            "restoring needs the private key of the backup key pair (kept offline): --identity FILE "
            "(or BACKUP_AGE_IDENTITY); nothing was restored"
        )
    if not identity.is_file():
        raise BackupError(f"the private key file {identity} does not exist; nothing was restored")
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist")
    check_checksum_file(archive)
    decrypt = subprocess.Popen(
        [_tool("age"), "--decrypt", "--identity", str(identity), str(archive)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert decrypt.stdout is not None and decrypt.stderr is not None
    parts: dict[str, tuple[int, str]] = {}
    manifest_body = b""
    failure: Exception | None = None
    try:
        with tarfile.open(fileobj=decrypt.stdout, mode="r|") as tar:
            for member in tar:
                path = _member_path(member.name)
                if not member.isfile():
                    raise BackupError(f"the backup holds {member.name!r}, which is not a file; nothing was restored")
                if member.name in parts:
                    raise BackupError(f"the backup holds {member.name!r} twice; nothing was restored")
                source = tar.extractfile(member)
                assert source is not None
                reader = HashingReader(source)
                if member.name == MANIFEST:
                    manifest_body = reader.read()
                else:
                    target = folder.joinpath(*path.parts)
                    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                    with target.open("wb") as handle:
                        os.chmod(target, 0o600)
                        while chunk := reader.read(CHUNK):
                            handle.write(chunk)
                parts[member.name] = (reader.size, reader.sha256.hexdigest())
    except BackupError:
        decrypt.kill()
        decrypt.wait()
        raise
    except (tarfile.TarError, OSError, EOFError) as error:
        failure = error
    # Read to the end (age must not block on a full pipe); after a damaged chunk, age says why and exits 1.
    while decrypt.stdout.read(CHUNK):
        pass
    stderr = decrypt.stderr.read().decode(errors="replace")
    if decrypt.wait():
        raise _age_refusal(stderr, identity)
    if failure is not None:
        raise BackupError(f"the backup is not a readable set ({failure}); nothing was restored")
    if not manifest_body:
        raise BackupError("the backup has no manifest; nothing was restored")
    try:
        manifest = json.loads(manifest_body)
    except ValueError as error:
        raise BackupError(f"the backup's manifest is unreadable ({error}); nothing was restored") from error
    if manifest.get("kind") != KIND or manifest.get("format") != FORMAT:
        raise BackupError("this file is not a backup set of this site (or of a format this code cannot read)")
    try:
        expected = {DUMP: (manifest["database"]["size"], manifest["database"]["sha256"])}
        for item in manifest["files"]:
            expected[f"storages/{item['storage']}/{item['name']}"] = (item["size"], item["sha256"])
    except (KeyError, TypeError) as error:
        raise BackupError(f"the backup's manifest lacks {error}; nothing was restored") from error
    parts.pop(MANIFEST, None)
    for name, (size, sha) in expected.items():
        if name not in parts:
            raise BackupError(f"the backup lacks {name}, listed in its manifest; nothing was restored")
        if parts[name] != (size, sha):
            raise BackupError(f"{name} differs from its size or SHA-256 in the manifest; nothing was restored")
    for name in parts:
        if name not in expected:
            raise BackupError(f"the backup holds {name}, which its manifest does not list; nothing was restored")
    return Unpacked(folder, manifest, parts)


def check_migrations(manifest: dict[str, Any]) -> None:
    unknown = sorted(set(manifest["migrations"]) - known_migrations())
    if unknown:
        listed = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise BackupError(
            f"the backup was made by a newer version of the site (migrations unknown here: {listed}): "
            "restore it with that version or a later one; nothing was restored"
        )


def copy_out(tar: tarfile.TarFile, alias: str, storage: Any) -> list[dict[str, Any]]:
    """Every file of ``storage`` into ``tar`` as stored, streamed; the manifest's entries for them."""
    entries = []
    for name in storage_files(storage):
        try:
            length, handle = storage.size(name), storage.open(name, "rb")
        except FileNotFoundError:
            continue  # a wizard upload removed since the listing
        with handle:
            size, sha = _add(tar, f"storages/{alias}/{name}", handle, length)
        entries.append({"storage": alias, "name": name, "size": size, "sha256": sha})
    return entries


def copy_in(storage: Any, alias: str, entries: Iterable[dict[str, Any]], unpacked: Unpacked) -> tuple[int, int]:
    """The staged files of ``alias`` written back under their names through the storage API; (count, bytes)."""
    from django.core.files import File

    count = total = 0
    for entry in (e for e in entries if e["storage"] == alias):
        name = entry["name"]
        if storage.exists(name):
            storage.delete(name)
        with unpacked.staged(alias, name).open("rb") as handle:
            saved = storage.save(name, File(handle, name=name))
        if saved != name or storage.size(name) != entry["size"]:
            raise BackupError(f"{alias}: {name} could not be written back as it was (stored as {saved})")
        count, total = count + 1, total + entry["size"]
    return count, total


# Restore ----------------------------------------------------------------------------------------


def database_tables() -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
        )
        return [row[0] for row in cursor.fetchall()]


def empty_database() -> None:
    """Drop every table, view and sequence of the schema (``--force``): a restore replaces the database whole."""
    from django.db import connection

    kinds = {"r": "TABLE", "p": "TABLE", "f": "FOREIGN TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    # Tables first: their identity sequences go with them; sequences of their own after.
    for wanted in ("rpf", "vm", "S"):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind::text = ANY(%s)",
                [list(wanted)],
            )
            for name, kind in cursor.fetchall():
                cursor.execute(f"DROP {kinds[kind]} IF EXISTS {connection.ops.quote_name(name)} CASCADE")


def restore(
    archive: Path, identity: Path | None, *, force: bool = False, work_dir: Path | None = None
) -> dict[str, Any]:
    """Check ``archive`` whole, then restore it into ``DATABASE_URL`` and the storages; returns its manifest."""
    started = time.monotonic()
    pg_restore = _tool("pg_restore")
    env = libpq_environment()
    if work_dir is not None:
        work_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    storages = stored_storages()
    tables = database_tables()
    occupied = {alias: len(storage_files(storage)) for alias, storage in storages.items()}
    if (tables or any(occupied.values())) and not force:
        held = [f"{len(tables)} tables in the database"] if tables else []
        held += [f"{count} files in {alias}" for alias, count in occupied.items() if count]
        raise BackupError(
            f"the target is not empty ({', '.join(held)}): restore into an empty database and storages, "
            "or add --force to replace them; nothing was restored"
        )
    folder = Path(tempfile.mkdtemp(prefix="registration-restore-", dir=work_dir))
    try:
        took = time.monotonic()
        unpacked = unpack(archive, identity, folder)
        manifest = unpacked.manifest
        say(
            f"verified: {archive.name} made {manifest['created_at']}, database {human(manifest['database']['size'])} "
            f"and {len(manifest['files'])} files match the manifest's SHA-256 ({time.monotonic() - took:.1f} s)"
        )
        check_migrations(manifest)
        if tables:
            empty_database()
            say(f"--force: dropped the {len(tables)} tables of the database")
        from django.db import connections

        connections.close_all()
        took = time.monotonic()
        result = subprocess.run(
            [
                pg_restore,
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--dbname={env.get('PGDATABASE', '')}",
                str(unpacked.dump),
            ],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            raise BackupError(f"pg_restore failed and its transaction was rolled back: {result.stderr.strip()}")
        say(f"database: restored {len(database_tables())} tables in {time.monotonic() - took:.1f} s")
        for alias, storage in storages.items():
            took = time.monotonic()
            count, total = copy_in(storage, alias, manifest["files"], unpacked)
            say(f"storage {alias} ({type(storage).__name__}): {count} files, {human(total)} in {_since(took)}")
        from django.core.management import call_command

        before = len(applied_migrations())
        call_command("migrate", interactive=False, verbosity=0)
        added = len(applied_migrations()) - before
        say(
            f"migrate: {added} migration{'' if added == 1 else 's'} applied after the restore"
            + (" (the backup came from an older version)" if added else " (the backup was of this version)")
        )
        say(f"restore: done in {time.monotonic() - started:.1f} s")
        return manifest
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def verify(archive: Path, identity: Path | None, *, work_dir: Path | None = None) -> dict[str, Any]:
    """The checks of ``restore`` (decryption, checksums, manifest, migrations), restoring nothing."""
    folder = Path(tempfile.mkdtemp(prefix="registration-verify-", dir=work_dir))
    try:
        unpacked = unpack(archive, identity, folder)
        check_migrations(unpacked.manifest)
        manifest = unpacked.manifest
        say(
            f"verified: {archive.name} made {manifest['created_at']}, database {human(manifest['database']['size'])}, "
            f"{len(manifest['files'])} files; every SHA-256 matches the manifest"
        )
        return manifest
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# Command line -----------------------------------------------------------------------------------


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0], prog="python -m scripts.backup")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="write an encrypted backup set")
    make.add_argument(
        "--to", default=os.environ.get("BACKUP_DIR", "var/backups"), help="folder of the sets (BACKUP_DIR)"
    )
    make.add_argument(
        "--recipient",
        action="append",
        help="age public key to encrypt for (repeatable; default BACKUP_AGE_RECIPIENTS)",
    )
    make.add_argument(
        "--keep-daily",
        type=int,
        default=int(os.environ.get("BACKUP_KEEP_DAILY") or 0),
        help="then keep only the newest set of each of the last N days (BACKUP_KEEP_DAILY; 0: keep all)",
    )
    make.add_argument("--work-dir", default=os.environ.get("BACKUP_WORK_DIR"), help="where to spool the dump")
    make.add_argument(
        "--status-file",
        default=os.environ.get("BACKUP_STATUS_FILE"),
        help=f"status of the last successful backup (BACKUP_STATUS_FILE; default <folder>/{STATUS})",
    )
    for name, text in (
        ("restore", "restore a backup set into an empty database and storages"),
        ("verify", "check a backup set (decryption, checksums, manifest) without restoring"),
    ):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("archive", help="the registration-….tar.age file")
        sub.add_argument("--identity", default=os.environ.get("BACKUP_AGE_IDENTITY"), help="age private key file")
        sub.add_argument("--work-dir", default=os.environ.get("BACKUP_WORK_DIR"), help="where to stage the set")
        if name == "restore":
            sub.add_argument("--force", action="store_true", help="replace a database and storages that are not empty")
    args = parser.parse_args(argv)
    try:
        setup_django()
        if args.command == "backup":
            recipients = recipients_from(" ".join(args.recipient or [os.environ.get("BACKUP_AGE_RECIPIENTS", "")]))
            backup(
                Path(args.to),
                recipients,
                keep_daily=args.keep_daily,
                work_dir=_path(args.work_dir),
                status_file=_path(args.status_file),
            )
        elif not args.archive:
            raise BackupError("name the backup set: make restore BACKUP=…/registration-….tar.age IDENTITY=…")
        elif args.command == "restore":
            restore(Path(args.archive), _path(args.identity), force=args.force, work_dir=_path(args.work_dir))
        else:
            verify(Path(args.archive), _path(args.identity), work_dir=_path(args.work_dir))
    except BackupError as error:
        print(f"{args.command} refused: {error}", file=sys.stderr, flush=True)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
