"""submit_application: one transaction, scans moved to private storage, duplicates decided by the database."""

from __future__ import annotations

import io
import os
import threading
from datetime import date

import pytest
from django.core.files.storage import storages
from django.db import connection, connections

from registration import services
from registration.models import Account, Applicant, AuditEvent, Document

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
