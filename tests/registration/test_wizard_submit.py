"""submit_application: one transaction, scans moved to private storage, duplicates decided by the database."""

from __future__ import annotations

import io
import os
import threading
from datetime import date

import pytest
from django.core.files.storage import storages
from django.db import connection, connections

from registration.accounts.models import Account, Applicant, AuditEvent, Document
from registration.onboarding import submit as services

ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def application(
    email: str = "anna@example.org", phone: str = "+79161234567", scan: bytes = b""
) -> services.ApplicationData:
    from django.contrib.auth.hashers import make_password

    documents = [
        services.DocumentData(
            role="identity",
            kind="foreign_passport",
            country="UZ",
            number="FA1234567",
            issue_date=date(2020, 2, 1),
            expiry_date=date(2035, 2, 1),
            issuing_authority="MVD",
            scan=services.ScanUpload(io.BytesIO(scan), "passport.png", "image/png", len(scan), "0" * 64)
            if scan
            else None,
        )
    ]
    return services.ApplicationData(
        email=email,
        phone=phone,
        password_hash=make_password("Correct-Horse-42"),
        surname="Eriksson",
        given_names="Anna",
        surname_cyrillic="Эрикссон",
        given_names_cyrillic="Анна",
        birth_date=date(1974, 8, 12),
        birth_place="Tashkent",
        sex="F",
        citizenship="UZ",
        region="77",
        city="Moscow",
        street="Tverskaya",
        house="1",
        postcode="101000",
        documents=documents,
    )


def scan_files() -> set[str]:
    storage = storages["scans"]
    found: set[str] = set()

    def walk(folder: str) -> None:
        try:
            dirs, files = storage.listdir(folder)
        except FileNotFoundError:
            return
        found.update(f"{folder}/{name}" for name in files)
        for sub in dirs:
            walk(f"{folder}/{sub}".strip("/"))

    walk("")
    return found


def test_submit_creates_everything_and_copies_the_scan(db, scan_bytes):
    """The account is pending with the given password hash; the scan lands in the scans storage."""
    applicant = services.submit_application(application(scan=scan_bytes["png"]))
    account = applicant.account
    assert account.is_pending and account.check_password("Correct-Horse-42")
    document = applicant.documents.get()
    assert document.scan.storage.location == storages["scans"].location
    with document.scan.open("rb") as handle:
        assert handle.read() == scan_bytes["png"]
    assert (document.scan_name, document.scan_size) == ("passport.png", len(scan_bytes["png"]))
    assert AuditEvent.objects.filter(action="account.created", account=account).exists()


def test_a_unique_violation_becomes_duplicate_contact_and_leaves_nothing(db, make_account, scan_bytes):
    """When the database refuses the e-mail, no applicant, document or scan file remains."""
    make_account("ANNA@example.org", phone="+79160000009")
    before = scan_files()
    with pytest.raises(services.DuplicateContact) as caught:
        services.submit_application(application(scan=scan_bytes["png"]))
    assert caught.value.fields == ["email"]
    assert not Applicant.objects.exists() and not Document.objects.exists()
    assert scan_files() == before


def test_a_taken_phone_is_reported_as_such(db, make_account):
    """A phone registered by someone else is named in the error."""
    make_account("other@example.org", phone="+79161234567")
    with pytest.raises(services.DuplicateContact) as caught:
        services.submit_application(application())
    assert caught.value.fields == ["phone"]


def test_an_application_number_collision_is_retried(db, monkeypatch):
    """If the random application number is taken, another one is drawn."""
    first = services.submit_application(application("one@example.org", "+79160000001"))
    numbers = iter([first.application_number, "1234567890"])
    monkeypatch.setattr(Applicant._meta.get_field("application_number"), "_get_default", lambda: next(numbers))
    second = services.submit_application(application("two@example.org", "+79160000002"))
    assert second.application_number == "1234567890"
    assert Account.objects.count() == 2


@pytest.mark.skipif(not ON_POSTGRES, reason="the race needs a real concurrent database (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_with_one_email_cannot_both_win():
    """Two submissions racing with the same e-mail: the unique constraint lets exactly one through."""
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def register(phone: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.submit_application(application("race@example.org", phone))
            result = "created"
        except services.DuplicateContact as exc:
            result = f"duplicate:{','.join(exc.fields)}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=register, args=(phone,)) for phone in ("+79160000011", "+79160000012")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["created", "duplicate:email"]
    assert Account.objects.filter(email="race@example.org").count() == 1
    assert Applicant.objects.count() == 1
    assert connection.vendor == "postgresql"


def stored_scan(storage, content: bytes):
    """A scan kept in the wizard's storage, as the wizard hands it to submit_application."""
    from django.core.files.base import ContentFile

    from registration.onboarding.storage import StoredFile

    tmp_name = storage.save("drafts/kept.png", ContentFile(content))
    upload = StoredFile(
        storage, tmp_name, name="passport.png", content_type="image/png", size=len(content), charset=None
    )
    return tmp_name, services.ScanUpload(upload, "passport.png", "image/png", len(content), "0" * 64)


def application_with(scan: services.ScanUpload) -> services.ApplicationData:
    data = application()
    data.documents[0] = services.DocumentData(**{**data.documents[0].__dict__, "scan": scan})
    return data


@pytest.fixture
def local_wizard_storage():
    """A wizard storage on the same disk as the scans storage, so that a scan can be renamed across."""
    import shutil
    import tempfile

    from registration.core.storage import EncryptedStorage

    parent = os.path.dirname(os.path.abspath(storages["scans"].location))
    os.makedirs(parent, exist_ok=True)
    folder = tempfile.mkdtemp(prefix="wizard-", dir=parent)
    yield EncryptedStorage(location=folder)
    shutil.rmtree(folder, ignore_errors=True)


def test_a_scan_on_the_same_disk_is_moved_not_copied(db, scan_bytes, local_wizard_storage):
    """The wizard's file becomes the scan (same inode, private mode); the draft's copy is gone."""
    tmp_name, scan = stored_scan(local_wizard_storage, scan_bytes["png"])
    inode = os.stat(local_wizard_storage.path(tmp_name)).st_ino
    document = services.submit_application(application_with(scan)).documents.get()
    assert not local_wizard_storage.exists(tmp_name)
    assert os.stat(document.scan.path).st_ino == inode
    assert os.stat(document.scan.path).st_mode & 0o777 == 0o600
    with document.scan.open("rb") as handle:
        assert handle.read() == scan_bytes["png"]


def test_a_failed_submission_moves_the_scan_back(db, scan_bytes, local_wizard_storage, monkeypatch):
    """When the transaction fails after the move, the scan returns to the draft and nothing is left behind."""
    tmp_name, scan = stored_scan(local_wizard_storage, scan_bytes["png"])
    before = scan_files()

    def failing_record(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(services.audit, "record", failing_record)
    with pytest.raises(RuntimeError):
        services.submit_application(application_with(scan))
    assert not Document.objects.exists() and scan_files() == before
    with local_wizard_storage.open(tmp_name) as handle:
        assert handle.read() == scan_bytes["png"]
    monkeypatch.undo()
    document = services.submit_application(application_with(scan)).documents.get()
    with document.scan.open("rb") as handle:
        assert handle.read() == scan_bytes["png"]


def test_a_scan_in_remote_storage_is_copied_through_the_storage_api(db, scan_bytes, monkeypatch):
    """Storages without local paths (S3 and the like) on either side still work: the scan is copied."""
    from django.core.files.storage import InMemoryStorage

    wizard_side = InMemoryStorage()
    tmp_name, scan = stored_scan(wizard_side, scan_bytes["png"])
    document = services.submit_application(application_with(scan)).documents.get()
    assert wizard_side.exists(tmp_name)  # copied from a remote draft
    monkeypatch.setattr(Document._meta.get_field("scan"), "storage", InMemoryStorage())
    data = application_with(scan)
    data = services.ApplicationData(**{**data.__dict__, "email": "b@example.org", "phone": "+79160000002"})
    document = services.submit_application(data).documents.get()
    assert wizard_side.exists(tmp_name)  # the wizard deletes its drafts itself, on reset
    with document.scan.open("rb") as handle:
        assert handle.read() == scan_bytes["png"]


def test_a_local_scan_into_remote_scans_storage_is_copied(db, scan_bytes, local_wizard_storage, monkeypatch):
    """A draft on disk and scans kept remotely: the scan is read and copied, the draft left for the wizard."""
    from django.core.files.storage import InMemoryStorage

    tmp_name, scan = stored_scan(local_wizard_storage, scan_bytes["png"])
    monkeypatch.setattr(Document._meta.get_field("scan"), "storage", InMemoryStorage())
    document = services.submit_application(application_with(scan)).documents.get()
    assert local_wizard_storage.exists(tmp_name)
    with document.scan.open("rb") as handle:
        assert handle.read() == scan_bytes["png"]
