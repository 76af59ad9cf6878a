"""``scripts/backup.py``: retention, and the checks a set passes before anything is restored.

The whole journey (pg_dump, a new stack, pg_restore, the clerk's confirmation) is the production proof
``tests/production/test_backup_restore.py``; these check the refusals one by one, without PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
import tarfile

import pytest

from scripts import backup

needs_age = pytest.mark.skipif(shutil.which("age") is None, reason="needs age (apt-get install age)")


def test_retention_keeps_the_newest_set_of_each_of_the_last_days(tmp_path):
    """--keep-daily 2 keeps the newest set of each of the two latest days with sets, with its .sha256."""
    names = ["20261201T020000Z", "20261202T020000Z", "20261202T140000Z", "20261203T020000Z", "20261203T030000Z"]
    for stamp in names:
        (tmp_path / f"registration-{stamp}.tar.age").write_bytes(b"x")
        (tmp_path / f"registration-{stamp}.tar.age.sha256").write_text("x")
    (tmp_path / "notes.txt").write_text("not a set")
    removed = backup.prune(tmp_path, 2)
    assert sorted(path.name for path in removed) == [
        "registration-20261201T020000Z.tar.age",
        "registration-20261202T020000Z.tar.age",
        "registration-20261203T020000Z.tar.age",
    ]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "notes.txt",
        "registration-20261202T140000Z.tar.age",
        "registration-20261202T140000Z.tar.age.sha256",
        "registration-20261203T030000Z.tar.age",
        "registration-20261203T030000Z.tar.age.sha256",
    ]
    with pytest.raises(backup.BackupError, match="at least one day"):
        backup.prune(tmp_path, 0)


def test_to_keep_counts_days_that_have_sets():
    """A gap of days without a set does not use up the days kept."""
    day = dt.datetime(2026, 12, 3, 2, tzinfo=dt.UTC)
    sets = [(day, "a"), (day - dt.timedelta(days=5), "b"), (day - dt.timedelta(days=9), "c")]
    assert backup.to_keep(sets, 2) == {"a", "b"}  # type: ignore[arg-type]


def test_the_private_key_is_refused_as_a_recipient():
    """The server is given the public key only: a private key (or nothing) in its place is refused."""
    assert backup.recipients_from("age1abc, age1def") == ["age1abc", "age1def"]
    with pytest.raises(backup.BackupError, match="not an age public key"):
        backup.recipients_from("AGE-SECRET-KEY-1QQQQ")
    with pytest.raises(backup.BackupError, match="BACKUP_AGE_RECIPIENTS"):
        backup.recipients_from(" ")


@pytest.mark.parametrize(
    "name", ["../escape", "/etc/passwd", "storages/scans/../../escape", "storages/other/file", "extra.txt", "a//b"]
)
def test_a_member_outside_the_set_is_refused(name):
    """Only the dump, the manifest and files of the two storages unpack, inside the staging folder."""
    with pytest.raises(backup.BackupError, match="nothing was restored"):
        backup._member_path(name)


def test_the_members_of_a_set_are_accepted():
    for name in ("database.dump", "manifest.json", "storages/scans/2026/12/a.png", "storages/wizard/x.pdf"):
        assert str(backup._member_path(name)) == name


@pytest.fixture
def keys(tmp_path):
    if shutil.which("age-keygen") is None:
        pytest.skip("needs age (apt-get install age)")
    subprocess.run(["age-keygen", "-o", str(tmp_path / "key.txt")], check=True, capture_output=True)
    public = subprocess.run(["age-keygen", "-y", str(tmp_path / "key.txt")], capture_output=True, text=True)
    return public.stdout.strip(), tmp_path / "key.txt"


def make_set(path, recipient, members: dict[str, bytes], manifest: dict | None = None) -> None:
    """An age-encrypted tar of ``members`` and a manifest (by default the true one)."""
    if manifest is None:
        digest = {name: (len(data), hashlib.sha256(data).hexdigest()) for name, data in members.items()}
        manifest = {
            "format": backup.FORMAT,
            "kind": backup.KIND,
            "created_at": "2026-12-03T02:00:00+00:00",
            "migrations": [],
            "database": {"size": digest["database.dump"][0], "sha256": digest["database.dump"][1]},
            "files": [
                {"storage": name.split("/")[1], "name": name.split("/", 2)[2], "size": size, "sha256": sha}
                for name, (size, sha) in digest.items()
                if name.startswith("storages/")
            ],
        }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in {**members, "manifest.json": json.dumps(manifest).encode()}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    subprocess.run(["age", "-e", "-r", recipient, "-o", str(path)], input=buffer.getvalue(), check=True)


MEMBERS = {"database.dump": b"PGDMP dump", "storages/scans/2026/a.png": b"\x80sealed scan"}


@needs_age
def test_a_true_set_unpacks_and_every_part_is_checked(keys, tmp_path):
    public, private = keys
    make_set(tmp_path / "set.tar.age", public, MEMBERS)
    staging = tmp_path / "staging"
    staging.mkdir()
    unpacked = backup.unpack(tmp_path / "set.tar.age", private, staging)
    assert unpacked.dump.read_bytes() == b"PGDMP dump"
    assert unpacked.staged("scans", "2026/a.png").read_bytes() == b"\x80sealed scan"
    assert backup.verify(tmp_path / "set.tar.age", private, work_dir=tmp_path)["files"][0]["name"] == "2026/a.png"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["key.txt", "set.tar.age", "staging"]  # cleaned up


@needs_age
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("checksum", "differs from its size or SHA-256"),
        ("missing", "lacks storages/scans/2026/b.png"),
        ("unlisted", "which its manifest does not list"),
    ],
)
def test_a_set_that_disagrees_with_its_manifest_is_refused(keys, tmp_path, change, message):
    """A part changed inside the encryption, a part missing, a part not listed: refused, nothing staged stays."""
    public, private = keys
    make_set(tmp_path / "true.tar.age", public, MEMBERS)
    staging = tmp_path / "probe"
    staging.mkdir()
    manifest = backup.unpack(tmp_path / "true.tar.age", private, staging).manifest
    members = dict(MEMBERS)
    if change == "checksum":
        members["storages/scans/2026/a.png"] = b"\x80sealed scaN"
    elif change == "missing":
        manifest["files"].append({"storage": "scans", "name": "2026/b.png", "size": 1, "sha256": "0" * 64})
    else:
        members["storages/wizard/extra.png"] = b"extra"
    make_set(tmp_path / "bad.tar.age", public, members, manifest)
    with pytest.raises(backup.BackupError, match=message):
        backup.unpack(tmp_path / "bad.tar.age", private, staging)


@needs_age
def test_the_sha256_file_and_the_key_are_checked_first(keys, tmp_path):
    """A set whose .sha256 differs, no private key, a file that is not a key: each refused with its reason."""
    public, private = keys
    archive = tmp_path / "registration-20261203T020000Z.tar.age"
    make_set(archive, public, MEMBERS)
    sidecar = archive.with_name(archive.name + ".sha256")
    sidecar.write_text(f"{'0' * 64}  {archive.name}\n")
    with pytest.raises(backup.BackupError, match="SHA-256 differs"):
        backup.unpack(archive, private, tmp_path)
    sidecar.write_text(f"{backup.file_sha256(archive)}  {archive.name}\n")
    with pytest.raises(backup.BackupError, match="needs the private key"):
        backup.unpack(archive, None, tmp_path)
    with pytest.raises(backup.BackupError, match="does not exist"):
        backup.unpack(archive, tmp_path / "absent.txt", tmp_path)
    (tmp_path / "not-a-key.txt").write_text("hello\n")
    with pytest.raises(backup.BackupError, match="is not an age private key"):
        backup.unpack(archive, tmp_path / "not-a-key.txt", tmp_path)


def test_a_backup_from_a_newer_version_is_refused():
    """Migrations this code does not know mean newer code made the set: refused before anything is written."""
    backup.check_migrations({"migrations": ["accounts.0001_initial", "codes.0001_initial"]})
    with pytest.raises(backup.BackupError, match=r"newer version.*accounts\.9999_future"):
        backup.check_migrations({"migrations": ["accounts.0001_initial", "accounts.9999_future"]})


def test_files_of_an_s3_bucket_are_copied_out_and_back_as_stored(tmp_path):
    """Through the storage API, an S3 bucket's objects (nested names) go into the set and back byte for byte."""
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    from django.core.files.base import ContentFile
    from storages.backends.s3 import S3Storage

    from registration.core.storage import seal

    with moto.mock_aws():
        boto3.client("s3", region_name="us-east-1").create_bucket(Bucket="scans-bucket")
        options = {"bucket_name": "scans-bucket", "region_name": "us-east-1", "file_overwrite": False}
        source = S3Storage(location="scans", **options)
        stored = {"2026/12/03/a.png": seal(b"scan a"), "changes/2026/12/b.pdf": seal(b"scan b" * 1000)}
        for name, raw in stored.items():
            source.save(name, ContentFile(raw))
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w|", format=tarfile.PAX_FORMAT) as tar:
            entries = backup.copy_out(tar, "scans", source)
        assert sorted(entry["name"] for entry in entries) == sorted(stored)
        assert all(entry["sha256"] == hashlib.sha256(stored[entry["name"]]).hexdigest() for entry in entries)

        buffer.seek(0)
        unpacked = backup.Unpacked(tmp_path, {})
        with tarfile.open(fileobj=buffer, mode="r|") as tar:
            for member in tar:
                target = tmp_path / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(tar.extractfile(member).read())
        target = S3Storage(location="restored", **options)
        assert backup.copy_in(target, "scans", entries, unpacked) == (2, sum(len(raw) for raw in stored.values()))
        for name, raw in stored.items():
            with target.open(name, "rb") as handle:
                assert handle.read() == raw  # the ciphertext as it was, not decrypted
        # Written again over the same names (a --force restore): the same names, no "_abc123" copies.
        assert backup.copy_in(target, "scans", entries, unpacked)[0] == 2
        assert sorted(backup.storage_files(target)) == sorted(stored)


@needs_age
def test_a_truncated_set_or_one_that_is_not_a_tar_is_refused(keys, tmp_path):
    """A set cut short (no .sha256 beside it) fails age's authentication; encrypted noise is no set."""
    public, private = keys
    archive = tmp_path / "set.tar.age"
    make_set(archive, public, {**MEMBERS, "storages/scans/big.png": bytes(300_000)})
    archive.write_bytes(archive.read_bytes()[:200_000])
    with pytest.raises(backup.BackupError, match="damaged or was changed"):
        backup.unpack(archive, private, tmp_path)
    subprocess.run(["age", "-e", "-r", public, "-o", str(archive)], input=b"not a tar" * 10_000, check=True)
    with pytest.raises(backup.BackupError, match="not a readable set"):
        backup.unpack(archive, private, tmp_path)
