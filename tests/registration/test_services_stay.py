"""Services in the cabinet: the stay registration from the draft to the notice, and the desk that decides it."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from registration.accounts.models import AuditEvent
from registration.documents.models import DocumentKind
from registration.services import flows
from registration.services.models import ServiceApplication, Status
from tests.registration.identity_fixtures import make_applicant, role_user
from tests.registration.services_fixtures import (
    STAY_UNTIL,
    fill_stay,
    officer,
    person,
    scan_files,
    scans_dir,
    stay_answers,
)
from validators import dates as vdates

pytestmark = pytest.mark.django_db


def submit(client, number):
    return client.post(reverse("services:check", args=[number]), {"consent": "on"})


def desk(client, application, action, **data):
    url = reverse("admin:services_serviceapplication_act", args=[application.pk, action])
    return client.post(url, {"version": application.version, **data})


def test_a_confirmed_person_registers_a_stay_and_the_officer_approves(
    client, person, officer, scans_dir, django_capture_on_commit_callbacks
):
    """Draft, submit, take, approve: the notice is issued for the period asked and the person told."""
    account = person()
    client.force_login(account)
    number = fill_stay(client)
    response = submit(client, number)
    assert response["Location"] == reverse("services:detail", args=[number])
    application = ServiceApplication.objects.get(number=number)
    assert application.status == Status.SUBMITTED and application.submitted_at is not None
    assert application.attachments.count() == 3

    client.force_login(officer)
    queue = client.get(reverse("admin:services_serviceapplication_changelist"))
    assert number in queue.content.decode()
    page = client.get(reverse("admin:services_serviceapplication_change", args=[application.pk]))
    assert page.status_code == 200 and "1027700132195" in page.content.decode()
    desk(client, application, "take")
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW and application.officer == officer
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        desk(client, application, "approve")
    application.refresh_from_db()
    assert application.status == Status.APPROVED
    document = application.document
    assert document.kind == DocumentKind.STAY_NOTICE
    assert document.valid_from == timezone.localdate() and document.valid_until == timezone.localdate() + timedelta(
        days=29
    )
    assert document.is_valid()
    assert [m.to for m in mail.outbox] == [[account.email]]
    assert AuditEvent.objects.filter(action="services.approved", actor=officer).exists()
    client.force_login(account)
    shown = client.get(reverse("services:detail", args=[number])).content.decode()
    assert "result-document-number" in shown and document.number in shown


def test_draft_resumes_after_logout_and_keeps_input(client, person, scans_dir):
    """A step's answers, valid or not, live in the database (encrypted) and come back after logging in again."""
    account = person()
    client.force_login(account)
    client.post(reverse("services:start", args=["stay_registration"]))
    application = ServiceApplication.objects.get(account=account)
    answers = stay_answers()["address"] | {"postcode": "190000"}  # a St Petersburg code for Moscow
    response = client.post(reverse("services:step", args=[application.number, "address"]), answers)
    assert response["Location"] == reverse("services:step", args=[application.number, "address"])
    application.refresh_from_db()
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM services_serviceapplication WHERE id = %s", [application.pk])
        stored = cursor.fetchone()[0]
    assert "Тверская" not in stored and "190000" not in stored  # encrypted at rest
    client.logout()
    client.force_login(account)
    page = client.get(reverse("services:step", args=[application.number, "address"]))
    content = page.content.decode()
    assert 'value="Тверская улица"' in content and 'value="190000"' in content
    assert page.context["form"].errors["postcode"]
    # Russian on a language switch: the same input, the error in Russian.
    client.cookies["django_language"] = "ru"
    ru = client.get(reverse("services:step", args=[application.number, "address"]), HTTP_ACCEPT_LANGUAGE="ru")
    assert 'value="Тверская улица"' in ru.content.decode()


@pytest.mark.parametrize(
    ("start_offset", "days", "error"),
    [
        (-1, 30, None),  # yesterday is allowed
        (-2, 30, "stay_start_past"),
        (0, 90, None),
        (0, 91, "stay_too_long"),
        (5, 1, None),
    ],
)
def test_the_period_rules(client, person, scans_dir, start_offset, days, error):
    """The stay starts no earlier than yesterday and lasts at most 90 days (boundaries included)."""
    client.force_login(person())
    client.post(reverse("services:start", args=["stay_registration"]))
    application = ServiceApplication.objects.get()
    start = timezone.localdate() + timedelta(days=start_offset)
    client.post(reverse("services:step", args=[application.number, "period"]), stay_answers(start, days)["period"])
    form = client.get(reverse("services:step", args=[application.number, "period"])).context["form"]
    codes = {e.code for errors in form.errors.as_data().values() for e in errors}
    assert codes == ({error} if error else set())


def test_the_period_ends_within_the_document_of_stay(client, person, scans_dir):
    """The last day may be the document of stay's last day, not the day after."""
    client.force_login(person())
    client.post(reverse("services:start", args=["stay_registration"]))
    application = ServiceApplication.objects.get()
    url = reverse("services:step", args=[application.number, "period"])
    start = STAY_UNTIL - timedelta(days=10)
    client.post(url, {"start": vdates.format(start), "end": vdates.format(STAY_UNTIL + timedelta(days=1))})
    form = client.get(url).context["form"]
    assert [e.code for e in form.errors.as_data()["end"]] == ["stay_beyond_document"]
    client.post(url, {"start": vdates.format(start), "end": vdates.format(STAY_UNTIL)})
    assert not client.get(url).context["form"].errors


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"inn": "7707083894", "ogrn": "1027700132195"}, "inn", "inn_checksum"),
        ({"inn": "7707083893", "ogrn": "1027700132196"}, "ogrn", "ogrn_checksum"),
        ({"inn": "7707083893", "ogrn": "304500116000157"}, "ogrn", "ogrn_kind_mismatch"),
        ({"inn": "7707083893", "ogrn": "10277001"}, "ogrn", "ogrn_length"),
        ({"inn": "", "ogrn": "1027700132195"}, "inn", "required"),
    ],
)
def test_host_organisation_errors_on_the_right_field(client, person, scans_dir, data, field, code):
    """A wrong INN or OGRN is refused on its own field, with the library's code."""
    client.force_login(person())
    client.post(reverse("services:start", args=["stay_registration"]))
    application = ServiceApplication.objects.get()
    url = reverse("services:step", args=[application.number, "host"])
    client.post(url, {"kind": "organisation", "organisation": "ООО «Ромашка»", **data})
    errors = client.get(url).context["form"].errors.as_data()
    assert list(errors) == [field] and errors[field][0].code == code


def test_host_person_needs_a_russian_passport(client, person, scans_dir):
    """A host who is a person gives a 10-digit Russian passport series and number."""
    client.force_login(person())
    client.post(reverse("services:start", args=["stay_registration"]))
    application = ServiceApplication.objects.get()
    url = reverse("services:step", args=[application.number, "host"])
    client.post(url, {"kind": "person", "surname": "Иванов", "given_names": "Иван Иванович", "passport": "751234567"})
    assert client.get(url).context["form"].errors.as_data()["passport"][0].code == "host_passport_internal"
    client.post(url, {"kind": "person", "surname": "Иванов", "given_names": "Иван Иванович", "passport": "4510 123456"})
    assert not client.get(url).context["form"].errors


def test_a_bad_scan_keeps_the_good_ones(client, person, scans_dir, scan_maker):
    """A failing scan is refused on its field; the scans that passed are kept and not asked again."""
    client.force_login(person())
    client.post(reverse("services:start", args=["stay_registration"]))
    application = ServiceApplication.objects.get()
    url = reverse("services:step", args=[application.number, "scans"])
    files = scan_files(("passport", "migration_card"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    files["right_to_live"] = SimpleUploadedFile("contract.png", b"not an image", content_type="image/png")
    response = client.post(url, files)
    assert response["Location"] == url
    page = client.get(url)
    errors = page.context["form"].errors.as_data()
    assert list(errors) == ["right_to_live"]
    assert set(application.attachments.values_list("code", flat=True)) == {"passport", "migration_card"}
    assert "passport.png" in page.content.decode()
    # the stored scan is ciphertext, and only the scan view serves it
    stored = application.attachments.get(code="passport")
    with open(stored.scan.path, "rb") as raw:
        assert not raw.read().startswith(b"\x89PNG")


def test_changes_requested_are_corrected_in_the_same_application(client, person, officer, scans_dir):
    """The officer asks for a correction; the person corrects and resubmits the same application."""
    account = person()
    client.force_login(account)
    number = fill_stay(client)
    submit(client, number)
    application = ServiceApplication.objects.get(number=number)
    client.force_login(officer)
    desk(client, application, "take")
    application.refresh_from_db()
    desk(client, application, "request_changes", **{"changes-message": "Приложите договор целиком."})
    application.refresh_from_db()
    assert application.status == Status.CHANGES_REQUESTED
    client.force_login(account)
    page = client.get(reverse("services:detail", args=[number])).content.decode()
    assert "Приложите договор целиком." in page
    client.post(reverse("services:step", args=[number, "scans"]), scan_files(("right_to_live",), "pdf"))
    submit(client, number)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert ServiceApplication.objects.filter(account=account).count() == 1
    assert list(application.history.values_list("to_status", flat=True)) == [
        "draft",
        "submitted",
        "in_review",
        "changes_needed",
        "submitted",
    ]


def test_illegal_transitions_are_refused_on_the_server(client, person, officer, scans_dir):
    """Approving before taking, acting on a stale page, or twice, changes nothing."""
    client.force_login(person())
    number = fill_stay(client)
    submit(client, number)
    application = ServiceApplication.objects.get(number=number)
    client.force_login(officer)
    desk(client, application, "approve")
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED and application.document is None
    stale = application.version
    desk(client, application, "take")
    application.refresh_from_db()
    client.post(
        reverse("admin:services_serviceapplication_act", args=[application.pk, "reject"]),
        {"version": stale, "reject-reason": "Нет договора."},
    )
    application.refresh_from_db()
    assert application.status == Status.IN_REVIEW
    with pytest.raises(flows.ServiceError) as info:
        flows.take(application, by=officer, version=application.version)
    assert info.value.code == "wrong_state"
    assert not flows.allowed(Status.DRAFT, Status.APPROVED)
    assert not flows.allowed(Status.REJECTED, Status.SUBMITTED)
    # the person cannot change a submitted application
    with pytest.raises(flows.ServiceError):
        flows.save_step(application, "address", {}, valid=True)


def test_reject_needs_a_reason_the_person_reads(client, person, officer, scans_dir):
    """An empty reason is refused on the field; a reason is shown to the person."""
    account = person()
    client.force_login(account)
    number = fill_stay(client)
    submit(client, number)
    application = ServiceApplication.objects.get(number=number)
    client.force_login(officer)
    desk(client, application, "take")
    application.refresh_from_db()
    response = desk(client, application, "reject", **{"reject-reason": ""})
    assert response.status_code == 200 and response.context["reject_form"].errors
    desk(client, application, "reject", **{"reject-reason": "Адрес не существует."})
    application.refresh_from_db()
    assert application.status == Status.REJECTED
    client.force_login(account)
    assert "Адрес не существует." in client.get(reverse("services:detail", args=[number])).content.decode()


def test_reminder_is_sent_once_and_extension_is_prefilled(
    client, person, officer, scans_dir, settings, django_capture_on_commit_callbacks
):
    """7 days before the end: one e-mail and one SMS, never twice; the extension starts the day after."""
    settings.REGISTRATION_SMS_BACKEND = "registration.codes.sms.MemoryBackend"
    from registration.codes import sms

    account = person()
    client.force_login(account)
    number = fill_stay(client)
    submit(client, number)
    application = ServiceApplication.objects.get(number=number)
    client.force_login(officer)
    desk(client, application, "take")
    application.refresh_from_db()
    desk(client, application, "approve")
    application.refresh_from_db()
    end = application.valid_until
    mail.outbox.clear()
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert flows.send_reminders(end - timedelta(days=8)) == 0
        assert flows.send_reminders(end - timedelta(days=7)) == 1
        assert flows.send_reminders(end - timedelta(days=6)) == 0
        call_command("remind_services", stdout=StringIO())
    assert len(mail.outbox) == 1 and account.email in mail.outbox[0].to
    assert [m.to for m in sms.outbox] == [account.phone]

    client.force_login(account)
    response = client.post(reverse("services:extend", args=[number]))
    extension = ServiceApplication.objects.get(previous=application)
    assert response["Location"] == reverse("services:check", args=[extension.number])
    period = client.get(reverse("services:step", args=[extension.number, "period"])).context["form"]
    assert period.is_valid(), period.errors
    assert period.cleaned_data["start"] == end + timedelta(days=1)
    host = client.get(reverse("services:step", args=[extension.number, "host"])).context["form"]
    assert host.is_valid() and host.cleaned_data["ogrn"] == "1027700132195"
    copied = extension.attachments.get(code="passport")
    original = application.attachments.get(code="passport")
    assert copied.scan.name != original.scan.name and copied.scan_sha256 == original.scan_sha256
    client.post(reverse("services:check", args=[extension.number]), {"consent": "on"})
    extension.refresh_from_db()
    assert extension.status == Status.SUBMITTED and extension.previous == application


def test_expired_registration_becomes_expired(client, person, officer, scans_dir):
    """After its last day an approved stay registration is expired, and can still be extended from."""
    client.force_login(person())
    number = fill_stay(client)
    submit(client, number)
    application = ServiceApplication.objects.get(number=number)
    client.force_login(officer)
    desk(client, application, "take")
    application.refresh_from_db()
    desk(client, application, "approve")
    application.refresh_from_db()
    assert flows.expire(application.valid_until + timedelta(days=1)) == 1
    application.refresh_from_db()
    assert application.status == Status.EXPIRED


def test_one_open_application_per_service(person, db):
    """Starting again returns the open application; the database refuses a second one."""
    from django.db import IntegrityError, transaction

    from registration.services import registry

    account = person()
    service = registry.get("stay_registration")
    first = flows.start(account, service)
    assert flows.start(account, service) == first
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceApplication.objects.create(account=account, service=service.code)


def test_an_application_sent_days_ago_is_judged_as_of_the_day_it_was_sent(client, person, officer, scans_dir):
    """A stay that started on the day it was sent is still approved a week later, and odd posted names are not kept."""
    client.force_login(person())
    number = fill_stay(client)
    client.post(reverse("services:step", args=[number, "host"]), {**stay_answers()["host"], "junk": "x" * 100})
    submit(client, number)
    application = ServiceApplication.objects.get(number=number)
    assert "junk" not in application.get_answers()["host"]
    week_ago = timezone.localdate() - timedelta(days=7)
    answers = application.get_answers()
    answers["period"] = {key: [value] for key, value in stay_answers(week_ago, 30)["period"].items()}
    application.set_answers(answers)
    application.submitted_at = timezone.now() - timedelta(days=7)
    application.save()
    client.force_login(officer)
    desk(client, application, "take")
    application.refresh_from_db()
    desk(client, application, "approve")
    application.refresh_from_db()
    assert application.status == Status.APPROVED and application.document.valid_from == week_ago
