"""The services' framework: a third service from one module, and who may see or do what on every page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from registration.services import registry
from registration.services.models import Attachment, ServiceApplication, Status
from tests.registration.identity_fixtures import make_applicant, role_user
from tests.registration.services_fixtures import fill_stay, officer, person, scans_dir

pytestmark = pytest.mark.django_db

THIRD = "tests.registration.services_third"


def test_a_third_service_is_one_module_and_one_line(client, person, officer, settings):
    """Listed in the setting, the test-only service is offered, filled, submitted, decided and issued."""
    settings.REGISTRATION_SERVICES = ["registration.services.stay", THIRD]
    assert [s.code for s in registry.all_services()] == ["stay_registration", "work_notice"]
    account = person()
    client.force_login(account)
    assert "Notice of employment" in client.get(reverse("services:index")).content.decode()
    response = client.post(reverse("services:start", args=["work_notice"]))
    application = ServiceApplication.objects.get(service="work_notice")
    assert response["Location"] == reverse("services:step", args=[application.number, "employer"])
    client.post(response["Location"], {"inn": "7707083894"})
    form = client.get(response["Location"]).context["form"]
    assert form.errors.as_data()["inn"][0].code == "inn_checksum"
    response = client.post(reverse("services:step", args=[application.number, "employer"]), {"inn": "7707083893"})
    assert response["Location"] == reverse("services:check", args=[application.number])
    client.post(response["Location"], {"consent": "on"})
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    client.force_login(officer)
    for action in ("take", "approve"):
        client.post(
            reverse("admin:services_serviceapplication_act", args=[application.pk, action]),
            {"version": application.version},
        )
        application.refresh_from_db()
    assert application.status == Status.APPROVED and application.document is not None
    settings.REGISTRATION_SERVICES = ["registration.services.stay"]
    assert registry.get("work_notice") is None and registry.title("work_notice") == "work_notice"


def test_two_services_with_one_code_are_refused(settings):
    """A configuration naming the same service twice is an error, not a silent overwrite."""
    settings.REGISTRATION_SERVICES = [THIRD, THIRD]
    with pytest.raises(RuntimeError):
        registry.all_services()


def test_submitting_needs_consent_and_every_step(client, person, scans_dir):
    """Without the consent box the check page says so on the box; a missing step sends the person to it."""
    client.force_login(person())
    client.post(reverse("services:start", args=["stay_registration"]))
    application = ServiceApplication.objects.get()
    check = reverse("services:check", args=[application.number])
    response = client.post(check, {})
    assert response["Location"] == check
    page = client.get(check).content.decode()
    assert 'aria-describedby="id_consent-error"' in page
    response = client.post(check, {"consent": "on"})
    assert response["Location"] == reverse("services:step", args=[application.number, "address"])
    application.refresh_from_db()
    assert application.status == Status.DRAFT


@pytest.fixture
def world(client, person, officer, make_applicant, role_user, scans_dir):
    """A submitted stay registration of its owner, and everybody else who might ask for its pages."""
    owner = person("owner@example.org")
    client.force_login(owner)
    number = fill_stay(client)
    client.post(reverse("services:check", args=[number]), {"consent": "on"})
    client.logout()
    application = ServiceApplication.objects.get(number=number)
    return {
        "application": application,
        "attachment": Attachment.objects.filter(application=application).first(),
        "owner": owner,
        "other": person("other@example.org"),
        "unconfirmed": make_applicant("pending@example.org").account,
        "officer": officer,
        "clerk": role_user("clerk"),
        "anonymous": None,
    }


def pages(world):
    """(name, method, url) of every page and POST of the services, in the cabinet and on the desk."""
    a = world["application"]
    n = a.number
    return [
        ("index", "get", reverse("services:index")),
        ("start", "post", reverse("services:start", args=["residence_permit"])),
        ("step", "get", reverse("services:step", args=[n, "address"])),
        ("step_post", "post", reverse("services:step", args=[n, "address"])),
        ("check", "get", reverse("services:check", args=[n])),
        ("submit", "post", reverse("services:check", args=[n])),
        ("detail", "get", reverse("services:detail", args=[n])),
        ("pay", "post", reverse("services:pay", args=[n])),
        ("payment_return", "get", reverse("services:payment_return", args=[n])),
        ("extend", "post", reverse("services:extend", args=[n])),
        ("attachment", "get", reverse("services:attachment", args=[world["attachment"].pk])),
        ("queue", "get", reverse("admin:services_serviceapplication_changelist")),
        ("desk_page", "get", reverse("admin:services_serviceapplication_change", args=[a.pk])),
        ("take", "post", reverse("admin:services_serviceapplication_act", args=[a.pk, "take"])),
    ]


# What each role gets: a status code, or "login" (sent to log in). The owner's application is submitted,
# so its steps and check page lead back to its page (302), and paying or extending it is refused there.
EXPECTED = {
    "owner": {
        "index": 200, "start": 302, "step": 302, "step_post": 302, "check": 302, "submit": 302, "detail": 200,
        "pay": 302, "payment_return": 302, "extend": 302, "attachment": 200, "queue": "login",
        "desk_page": "login", "take": "login",
    },
    "other": {
        "index": 200, "start": 302, "step": 404, "step_post": 404, "check": 404, "submit": 404, "detail": 404,
        "pay": 404, "payment_return": 404, "extend": 404, "attachment": 404, "queue": "login",
        "desk_page": "login", "take": "login",
    },
    "unconfirmed": {
        "index": 200, "start": 403, "step": 404, "step_post": 404, "check": 404, "submit": 404, "detail": 404,
        "pay": 404, "payment_return": 404, "extend": 404, "attachment": 404, "queue": "login",
        "desk_page": "login", "take": "login",
    },
    "officer": {
        "index": 200, "start": 403, "step": 404, "step_post": 404, "check": 404, "submit": 404, "detail": 404,
        "pay": 404, "payment_return": 404, "extend": 404, "attachment": 200, "queue": 200, "desk_page": 200,
        "take": 302,
    },
    "clerk": {
        "index": 200, "start": 403, "step": 404, "step_post": 404, "check": 404, "submit": 404, "detail": 404,
        "pay": 404, "payment_return": 404, "extend": 404, "attachment": 404, "queue": 403, "desk_page": 404,
        "take": 404,
    },
    "anonymous": dict.fromkeys((
        "index", "start", "step", "step_post", "check", "submit", "detail", "pay", "payment_return", "extend",
        "attachment", "queue", "desk_page", "take",
    ), "login"),
}  # fmt: skip


@pytest.mark.parametrize("role", list(EXPECTED))
def test_the_permission_matrix(client, world, role):
    """Every page and POST, for the owner, another person, an unconfirmed account, a migration officer, a
    service-centre clerk and an anonymous visitor; only the officer's "take" changes the status."""
    user = world[role]
    if user is not None:
        client.force_login(user)
    got = {}
    for name, method, url in pages(world):
        response = getattr(client, method)(url, {"version": world["application"].version} if name == "take" else {})
        location = response.get("Location", "")
        is_login = response.status_code == 302 and "login" in location
        got[name] = "login" if is_login else response.status_code
    assert got == EXPECTED[role]
    world["application"].refresh_from_db()
    expected_status = Status.IN_REVIEW if role == "officer" else Status.SUBMITTED
    assert world["application"].status == expected_status


def test_the_demo_has_a_migration_officer_and_a_stay_registration_on_the_desk(db, capsys):
    """``load_demo_data`` (twice: idempotent) prints the officer's log-in and leaves an application on the desk."""
    from django.core.management import call_command

    from registration.accounts.models import Account

    call_command("load_demo_data")
    call_command("load_demo_data")
    out = capsys.readouterr().out
    assert "migration@example.org" in out and "resident@example.org" in out
    officer = Account.objects.get(email="migration@example.org")
    assert officer.groups.filter(name="Migration officers").exists()
    application = ServiceApplication.objects.get(account__email="resident@example.org")
    assert application.status == Status.SUBMITTED and application.attachments.count() == 3


def test_an_unconfirmed_account_is_told_why_it_cannot_apply(client, make_applicant):
    """The list says identity must be confirmed first and offers no "Apply"; a POST is refused with the reason."""
    client.force_login(make_applicant("waiting@example.org").account)
    page = client.get(reverse("services:index")).content.decode()
    assert 'id="services-not-available"' in page and 'id="start-stay_registration"' not in page
    response = client.post(reverse("services:start", args=["stay_registration"]))
    assert response.status_code == 403 and "Сначала подтвердите личность" in response.content.decode()
    assert not ServiceApplication.objects.exists()


def test_the_officer_opens_a_scan_privately_and_it_is_audited(client, world):
    """The scan view answers with no-store and nosniff, and every opening by an officer is in the audit log."""
    from registration.accounts.models import AuditEvent

    client.force_login(world["officer"])
    response = client.get(reverse("services:attachment", args=[world["attachment"].pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, no-store" and response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    event = AuditEvent.objects.get(action="services.scan_viewed")
    assert event.actor == world["officer"] and event.account == world["owner"]


def test_every_status_fits_the_audit_log():
    """Statuses are written to the audit log's from/to columns: each must fit them (PostgreSQL refuses more)."""
    from registration.accounts.models import AuditEvent

    limit = AuditEvent._meta.get_field("to_status").max_length
    assert all(len(value) <= limit for value in Status.values)


def test_the_reminders_task_does_the_command_s_work(person, db):
    """The django-tasks task runs the same reminders and expiry as ``remind_services`` and reports the counts."""
    from datetime import timedelta

    from django.utils import timezone

    from registration.services.tasks import remind_services

    today = timezone.localdate()
    ending = ServiceApplication.objects.create(
        account=person("ending@example.org"), service="stay_registration", status=Status.APPROVED,
        valid_until=today + timedelta(days=5),
    )  # fmt: skip
    ServiceApplication.objects.create(
        account=person("ended@example.org"), service="stay_registration", status=Status.APPROVED,
        valid_until=today - timedelta(days=1),
    )  # fmt: skip
    assert remind_services.call() == {"reminded": 1, "expired": 1}
    ending.refresh_from_db()
    assert ending.reminded_at is not None
    assert remind_services.call() == {"reminded": 0, "expired": 0}


def test_the_migration_officers_see_and_revoke_the_documents_their_desk_issues(officer):
    """The role holds the issued documents' list and revoking (a notice issued in error), and nothing of payments."""
    from registration import access

    assert access.may(officer, "view_issued_documents") and access.may(officer, "revoke_document")
    assert not access.may(officer, "view_payments") and not access.may(officer, "refund_payment")
    assert not access.may(officer, "view_queue")
