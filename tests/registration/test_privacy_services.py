"""The personal-data lifecycle of services, payments and issued documents: in the person's archive, erased
with the person (payments kept as anonymous accounting records), and the retention rules of the services'
abandoned drafts and old refusals."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from registration.accounts.models import AuditEvent
from registration.documents import issuing
from registration.documents.models import IssuedDocument
from registration.payments.models import Payment, PaymentEvent, PaymentStatus
from registration.privacy import erasure, retention
from registration.services.models import Attachment, ServiceApplication, Status, StatusChange
from tests.registration.documents_fixtures import STAY_CONTENT, UNTIL
from tests.registration.identity_fixtures import make_applicant, scan_png
from tests.registration.privacy_fixtures import PASSWORD, make_person, stored

__all__ = ["make_applicant", "make_person"]

DAY = timedelta(days=1)


def add_application(account, *, service="stay_registration", status=Status.SUBMITTED, marker="LENINA", seed=21):
    """An application with typed answers, a scan, a history with a message to the person."""
    application = ServiceApplication(account=account, service=service, status=status)
    application.set_answers({"address": {"street": [f"ul. {marker}, 5"]}, "period": {"days": ["30"]}})
    application.decision_reason = f"Please attach the contract {marker}" if status == Status.CHANGES_REQUESTED else ""
    application.save()
    StatusChange.objects.create(application=application, to_status=Status.DRAFT, actor=account)
    if status != Status.DRAFT:
        StatusChange.objects.create(
            application=application, from_status=Status.DRAFT, to_status=status, message=application.decision_reason
        )
    attachment = Attachment(application=application, code="passport", scan_name="passport.png", scan_type="png")
    data = scan_png(seed)
    attachment.scan.save("passport.png", ContentFile(data), save=True)
    return application, attachment.scan.name, data


def add_payment(account, reference: str, **extra) -> Payment:
    payment = Payment.objects.create(
        account=account,
        purpose="services",
        reference=reference,
        amount_kopecks=1_500_000,
        description=f"State fee {reference}",
        return_path=f"/account/services/{reference}/",
        redirect_url="https://pay.example.net/pay/abc",
        provider_payment_id=extra.pop("provider_payment_id", f"prov-{reference}"),
        status=PaymentStatus.PAID,
        paid_at=timezone.now(),
        **extra,
    )
    PaymentEvent.objects.create(event_id=f"evt-{reference}", payment=payment, kind="payment.succeeded")
    return payment


def add_document(account, **content) -> IssuedDocument:
    return issuing.issue(
        account,
        "stay_notice",
        valid_from=timezone.localdate(),
        valid_until=UNTIL,
        content={**STAY_CONTENT, **content},
        language="en",
    )


# --- the archive ------------------------------------------------------------------------------------


def test_the_archive_holds_the_applications_scans_payments_and_documents_and_nobody_elses(client, make_person):
    person = make_person("anna@example.org")
    other = make_person("other@example.org", passport_number="ZZ9999999", surname="OTHERPERSON")
    account = person.account
    application, scan_name, scan_bytes = add_application(account, status=Status.CHANGES_REQUESTED)
    payment = add_payment(account, application.number)
    document = add_document(account)
    foreign, _name, foreign_bytes = add_application(other.account, marker="TVERSKAYA", seed=33)
    add_payment(other.account, foreign.number)
    add_document(other.account, address="OTHER-ADDRESS-9")

    client.force_login(account)
    response = client.post(reverse("registration:privacy_download"), {"password": PASSWORD})
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    data = json.loads(archive.read("data.json"))

    [exported] = data["services"]
    assert exported["number"] == application.number and exported["service"] == "stay_registration"
    assert exported["status"] == "changes_needed" and exported["service_title"]
    assert exported["answers"] == {"address": {"street": ["ul. LENINA, 5"]}, "period": {"days": ["30"]}}
    assert exported["message_to_you"] == "Please attach the contract LENINA"
    assert [(step["from"], step["to"]) for step in exported["history"]] == [("", "draft"), ("draft", "changes_needed")]
    assert exported["history"][1]["message"] == "Please attach the contract LENINA"
    assert exported["history"][0]["by"] == "you" and exported["history"][1]["by"] == "service"
    [attachment] = exported["attachments"]
    assert attachment["file"] == f"services/{application.number}/passport.png"
    assert archive.read(attachment["file"]) == scan_bytes
    assert not stored(scan_name) or scan_name not in archive.read("data.json").decode()

    [paid] = data["payments"]
    assert paid["id"] == str(payment.public_id) and paid["amount_kopecks"] == 1_500_000
    assert paid["status"] == "paid" and paid["provider_payment_id"] == f"prov-{application.number}"
    assert paid["paid_at"] and paid["reference"] == application.number
    text = archive.read("data.json").decode()
    assert str(payment.idempotency_key) not in text and "pay.example.net" not in text

    [issued] = data["documents"]
    assert issued["number"] == document.number and issued["kind"] == "stay_notice"
    assert issued["valid_until"] == UNTIL.isoformat() and issued["content"] == json.loads(document.content)
    assert document.check_token not in text
    pdf = archive.read(f"documents/{document.number}.pdf")
    assert pdf.startswith(b"%PDF")

    readme = archive.read("README.txt").decode()
    assert "- services/:" in readme and "- documents/:" in readme
    # The same rows are not repeated as raw tables; nothing of the other person's is there.
    assert not {"services.serviceapplication", "services.attachment", "documents.issueddocument"} & set(data["records"])
    for value in (foreign.number, "TVERSKAYA", "OTHER-ADDRESS-9", f"prov-{foreign.number}"):
        assert value not in text
    contents = [archive.read(name) for name in names]
    assert foreign_bytes not in contents
    assert sorted(name for name in names if name.startswith(("services/", "documents/"))) == sorted(
        [f"services/{application.number}/passport.png", f"documents/{document.number}.pdf"]
    )


# --- erasure ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_erasing_a_person_deletes_applications_scans_and_documents_and_keeps_the_payments_anonymous(make_person):
    person = make_person("anna@example.org")
    other = make_person("other@example.org", passport_number="ZZ9999999", surname="OTHERPERSON")
    account = person.account
    application, scan_name, _data = add_application(account)
    payment = add_payment(account, application.number)
    add_document(account)
    foreign, foreign_scan, _ = add_application(other.account, marker="TVERSKAYA", seed=33)
    foreign_payment = add_payment(other.account, foreign.number)
    add_document(other.account)

    counts = erasure.erase(account, rule="test")

    assert counts["services.serviceapplication"] == 1 and counts["services.attachment"] == 1
    assert counts["services.statuschange"] == 2 and counts["documents.issueddocument"] == 1
    assert not ServiceApplication.objects.filter(account=account).exists()
    assert not Attachment.objects.filter(application__account=account).exists()
    assert not StatusChange.objects.filter(application_id=application.pk).exists()
    assert not IssuedDocument.objects.filter(account=account).exists()
    assert not stored(scan_name)  # deleted once the erasure committed
    # The payment stays as an accounting record: amount, dates, status, provider id; no address, the tombstone.
    kept = Payment.objects.get(pk=payment.pk)
    assert (kept.amount_kopecks, kept.status, kept.provider_payment_id) == (
        1_500_000,
        PaymentStatus.PAID,
        f"prov-{application.number}",
    )
    assert kept.paid_at is not None and kept.redirect_url == "" and kept.return_path == ""
    assert kept.account.email == f"closed-{account.pk}@closed.invalid" and kept.account.phone is None
    assert PaymentEvent.objects.filter(payment=kept).exists()
    # Nobody else's rows or scans are touched.
    assert ServiceApplication.objects.filter(pk=foreign.pk).exists() and stored(foreign_scan)
    assert Payment.objects.get(pk=foreign_payment.pk).redirect_url
    assert IssuedDocument.objects.filter(account=other.account).exists()


def test_payments_are_kept_deliberately_and_everything_else_of_the_services_is_erased():
    """The decisions behind the relation test: payments kept (accounting), applications and documents erased."""
    from django.db.models import CASCADE, SET_NULL

    from registration.accounts.models import Account

    relations = {(r.related_model._meta.label, r.field.name): r.on_delete for r in erasure._relations(Account)}
    assert Payment in erasure.KEPT
    assert relations["services.ServiceApplication", "account"] is CASCADE
    assert relations["documents.IssuedDocument", "account"] is CASCADE
    assert relations["services.StatusChange", "actor"] is SET_NULL
    # The officer who decided and the actor of a history step: someone else's row names them; it stays without them.
    hidden = [
        r for r in erasure._relations(Account) if r.related_model is ServiceApplication and r.on_delete is SET_NULL
    ]
    assert [r.field.name for r in hidden] == ["officer"]


# --- retention --------------------------------------------------------------------------------------


def age_draft(application: ServiceApplication, when) -> None:
    ServiceApplication.objects.filter(pk=application.pk).update(updated_at=when, created_at=when)


@pytest.mark.django_db(transaction=True)
def test_an_abandoned_service_draft_goes_after_its_days_not_a_day_before(make_person, settings):
    settings.REGISTRATION_SERVICE_DRAFT_DAYS = 30
    person = make_person("anna@example.org")
    now = timezone.now()
    old, old_scan, _ = add_application(person.account, status=Status.DRAFT)
    young, young_scan, _ = add_application(
        person.account, service="residence_permit", status=Status.DRAFT, marker="YOUNG", seed=40
    )
    submitted, submitted_scan, _ = add_application(
        make_person("sub@example.org", passport_number="SB1234567").account, status=Status.SUBMITTED, seed=41
    )
    age_draft(old, now - 30 * DAY - timedelta(minutes=1))
    age_draft(young, now - 30 * DAY + timedelta(minutes=1))
    age_draft(submitted, now - 400 * DAY)

    report = retention.apply(now=now)

    assert report.counts[retention.SERVICE_DRAFTS] == {
        "service_applications": 1,
        "attachments": 1,
        "status_changes": 1,
        "files": 1,
    }
    assert not ServiceApplication.objects.filter(pk=old.pk).exists() and not stored(old_scan)
    assert ServiceApplication.objects.filter(pk=young.pk).exists() and stored(young_scan)
    assert ServiceApplication.objects.filter(pk=submitted.pk).exists() and stored(submitted_scan)
    event = AuditEvent.objects.get(action="privacy.service_application_deleted")
    assert event.account_id == person.account.pk and event.data["rule"] == retention.SERVICE_DRAFTS
    assert event.data["service"] == "stay_registration"
    text = json.dumps(event.data) + event.reason
    assert old.number not in text and "LENINA" not in text and old_scan not in text


@pytest.mark.django_db(transaction=True)
def test_a_rejected_application_goes_a_year_after_the_decision(make_person, settings):
    settings.REGISTRATION_RETENTION_REJECTED_SERVICE_DAYS = 365
    person = make_person("anna@example.org")
    now = timezone.now()
    due, due_scan, _ = add_application(person.account, status=Status.REJECTED)
    kept, kept_scan, _ = add_application(person.account, service="residence_permit", status=Status.REJECTED, seed=45)
    approved, approved_scan, _ = add_application(
        make_person("ok@example.org", passport_number="OK1234567").account, status=Status.APPROVED, seed=46
    )
    ServiceApplication.objects.filter(pk=due.pk).update(decided_at=now - 365 * DAY - timedelta(minutes=1))
    ServiceApplication.objects.filter(pk=kept.pk).update(decided_at=now - 365 * DAY + timedelta(minutes=1))
    ServiceApplication.objects.filter(pk=approved.pk).update(decided_at=now - 900 * DAY)

    dry = retention.apply(now=now, dry_run=True)
    assert dry.counts[retention.REJECTED_SERVICES]["service_applications"] == 1
    assert ServiceApplication.objects.filter(pk=due.pk).exists()

    report = retention.apply(now=now)
    assert report.counts[retention.REJECTED_SERVICES]["service_applications"] == 1
    assert report.counts[retention.REJECTED_SERVICES]["files"] == 1
    assert not ServiceApplication.objects.filter(pk=due.pk).exists() and not stored(due_scan)
    assert ServiceApplication.objects.filter(pk=kept.pk).exists() and stored(kept_scan)
    assert ServiceApplication.objects.filter(pk=approved.pk).exists() and stored(approved_scan)
    assert AuditEvent.objects.filter(
        action="privacy.service_application_deleted", data__rule=retention.REJECTED_SERVICES
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_the_command_counts_the_services_rules(make_person, settings, capsys):
    person = make_person("anna@example.org")
    old, old_scan, _ = add_application(person.account, status=Status.DRAFT)
    age_draft(old, timezone.now() - 40 * DAY)
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert retention.SERVICE_DRAFTS in out
    assert ServiceApplication.objects.filter(pk=old.pk).exists() and stored(old_scan)


# --- closing ----------------------------------------------------------------------------------------


def test_closing_withdraws_the_applications_under_way_and_takes_them_off_the_desk(make_person, settings):
    from registration.privacy import closing
    from registration.services.models import DESK_STATUSES

    person = make_person("anna@example.org")
    account = person.account
    on_desk, _name, _data = add_application(account, status=Status.SUBMITTED)
    draft, _name, _data = add_application(account, service="residence_permit", status=Status.DRAFT, seed=50)
    decided, _name, _data = add_application(account, service="third", status=Status.APPROVED, seed=51)
    other, _name, _data = add_application(
        make_person("other@example.org", passport_number="ZZ9999999").account, status=Status.SUBMITTED, seed=52
    )

    closing.close_account(account)

    for application, expected in ((on_desk, "withdrawn"), (draft, "withdrawn"), (decided, "approved")):
        application.refresh_from_db()
        assert application.status == expected, application.service
    assert list(on_desk.history.values_list("to_status", flat=True))[-1] == "withdrawn"
    assert AuditEvent.objects.filter(action="services.withdrawn", account=account).count() == 2
    waiting = ServiceApplication.objects.filter(status__in=DESK_STATUSES)
    assert list(waiting) == [other]
    other.refresh_from_db()
    assert other.status == Status.SUBMITTED


# --- the privacy notice -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ru", ["так и не было отправлено: 30 дней", "об отказе: 365 дней", "402-ФЗ", "не менее пяти лет"]),
        ("en", ["never sent: 30 days", "rejected application for a service: 365 days", "402-FZ", "five years"]),
    ],
)
def test_the_current_privacy_notice_names_the_services_periods_and_the_payments_keeping(
    client, db, settings, language, words
):
    from registration.accounts import consent

    assert consent.CURRENT_NOTICE == "2026-12-03"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("registration:privacy")).content.decode()
    for word in words:
        assert word in html, word
    earlier = client.get(reverse("registration:privacy_version", args=["2026-12-01"])).content.decode()
    assert "402-" not in earlier  # what people agreed to before stays as it was
