"""The account model, the append-only audit log and documents' derived fields."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from registration.accounts import audit
from registration.accounts.models import Account, Applicant, AuditEvent, AuditLogIsAppendOnly, Document, scan_upload_to
from registration.core import http


def test_email_is_the_login_and_is_normalised(make_account):
    """E-mail addresses are stored lower-case and looked up case-insensitively."""
    account = make_account("  Anna.Eriksson@Example.ORG ")
    assert account.email == "anna.eriksson@example.org"
    assert Account.objects.get_by_natural_key("ANNA.ERIKSSON@example.org") == account


def test_email_unique_whatever_the_case(make_account):
    """Two accounts cannot share an e-mail address, even typed in another case."""
    make_account("person@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.create_user("PERSON@example.org", "x", phone="+79160000001")


def test_phone_unique_but_optional(make_account):
    """Phones are unique; staff accounts may have none (stored as NULL, not as a duplicate '')."""
    make_account(phone="+79161234567")
    Account.objects.create_user("a@example.org", "x", phone="")
    Account.objects.create_user("b@example.org", "x", phone="")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_account(phone="+79161234567")


def test_create_superuser_is_active_staff(db):
    """A superuser needs no identity confirmation."""
    admin = Account.objects.create_superuser("root@example.org", "pw")
    assert admin.is_staff and admin.is_superuser and admin.status == "active"


def test_account_needs_an_email(db):
    """Creating an account without an e-mail is a programming error."""
    with pytest.raises(ValueError):
        Account.objects.create_user("", "pw")


def test_audit_events_cannot_be_changed_or_deleted(make_account):
    """The audit log is append-only through the model and the queryset API."""
    event = audit.record("account.created", account=make_account())
    event.reason = "tampered"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().update(reason="tampered")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).reason == ""


def test_audit_label_falls_back_to_code():
    """Known actions have a readable label; unknown ones show their code."""
    assert audit.label("status.blocked") != "status.blocked"
    assert audit.label("something.new") == "something.new"


def test_client_ip_ignores_forwarded_header_unless_trusted(rf, settings):
    """X-Forwarded-For is honoured only behind a configured number of trusted proxies."""
    request = rf.get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1")
    assert http.client_ip(request) == "10.0.0.5"
    settings.REGISTRATION_TRUSTED_PROXY_COUNT = 1
    assert http.client_ip(request) == "10.0.0.1"
    settings.REGISTRATION_TRUSTED_PROXY_COUNT = 2
    assert http.client_ip(request) == "203.0.113.9"
    assert http.client_ip(rf.get("/", REMOTE_ADDR="not-an-ip")) is None
    assert http.client_ip(None) is None


def test_document_keeps_last_digits_for_clerks(make_account):
    """Clerks search by the last four characters of a number, so they are stored apart."""
    applicant = Applicant.objects.create(
        account=make_account(),
        surname="ERIKSSON",
        given_names="ANNA",
        surname_cyrillic="ЭРИКССОН",
        given_names_cyrillic="АННА",
        birth_date="1974-08-12",
        birth_place="Stockholm",
        sex="F",
        citizenship="SE",
        region="77",
        city="Москва",
        street="Тверская",
        house="1",
        postcode="125009",
    )
    doc = Document.objects.create(applicant=applicant, role="identity", kind="foreign_passport", number="L898 902C3")
    assert doc.number_last_digits == "02C3"
    assert len(applicant.application_number) == 10 and applicant.application_number.isdigit()


@pytest.mark.parametrize(
    ("name", "suffix"),
    [("scan.PDF", ".pdf"), ("../../etc/passwd", ""), ("photo.jpeg", ".jpeg"), ("x.svg", ""), ("a.png", ".png")],
)
def test_scan_paths_are_random_and_safe(name, suffix):
    """The person's file name never reaches the file system; only a known extension survives."""
    path = scan_upload_to(None, name)
    assert ".." not in path and "passwd" not in path
    assert path.endswith(suffix) if suffix else "." not in path.rsplit("/", 1)[-1]
