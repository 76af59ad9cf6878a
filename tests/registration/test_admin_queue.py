"""The application queue in the clerks' workspace: masking, order, search, filters and columns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registration.accounts.models import Account, Applicant
from registration.identity import flows
from registration.identity.models import ServiceCentre
from tests.registration.identity_fixtures import make_applicant, role_user, superuser

QUEUE = reverse("admin:identity_pendingapplication_changelist")


def test_personal_data_is_masked_in_the_list(client, make_applicant, role_user):
    """The passport appears masked; whole numbers, the phone and the e-mail do not appear at all."""
    applicant = make_applicant(phone="+79161234567", passport_number="AB1234567", snils="11223344595")
    client.force_login(role_user("clerk"))
    page = client.get(QUEUE).content.decode()
    assert applicant.application_number in page
    assert "******4567" in page
    for secret in ("+79161234567", "AB1234567", "11223344595", applicant.account.email):
        assert secret not in page


def test_oldest_first_and_only_pending_by_default(client, make_applicant, role_user):
    """The queue lists pending applications, the longest-waiting first; other statuses on request."""
    newer = make_applicant()
    older = make_applicant()
    Applicant.objects.filter(pk=older.pk).update(submitted_at=timezone.now() - timedelta(days=5))
    active = make_applicant()
    from registration.accounts import status

    status.activate(active.account, by=None)
    client.force_login(role_user("clerk"))
    page = client.get(QUEUE).content.decode()
    assert page.index(older.application_number) < page.index(newer.application_number)
    assert active.application_number not in page
    assert active.application_number in client.get(QUEUE + "?status=active").content.decode()


@pytest.mark.parametrize(
    ("term", "found"),
    [
        ("{number}", True),
        ("{spaced}", True),
        ("{email}", True),
        ("+7 916 123-45-67", True),
        ("eriksson", True),
        ("ЭРИКССОН", True),
        ("4567", True),
        ("4567 anna", True),
        ("4567 boris", False),
        ("AB1234567", True),
        ("ab 123-45-67", True),
        ("AB123456", False),
        ("B1234567", False),
        ("1234567", False),
        ("11223344595", True),
        ("112-233-445 95", True),
        ("1122334459", False),
        ("89161234567", True),
        ("8 (916) 123 45 67", True),
        ("79161234567", True),
        ("9161234567", True),
        ("+7 916 123-45-68", False),
        ("https://example.org/workspace/identity/pendingapplication/lookup/{number}/", True),
        ("an", False),
    ],
)
def test_search(client, make_applicant, role_user, term, found):
    """Search by number, e-mail, phone, name or last 4 passport digits; whole passport and SNILS numbers match
    exactly through their keyed hashes, never a part of them; the receipt's QR link finds its application."""
    applicant = make_applicant(phone="+79161234567", passport_number="AB1234567")
    client.force_login(role_user("clerk"))
    number = applicant.application_number
    term = term.format(number=number, spaced=f"{number[:3]} {number[3:6]} {number[6:]}", email=applicant.account.email)
    response = client.get(QUEUE, {"q": term})
    assert response.status_code == 200
    assert (applicant.application_number in response.content.decode()) is found


@pytest.mark.parametrize(
    "lookup",
    ["documents__number", "documents__number__startswith", "snils", "snils__exact", "inn", "documents__mrz__contains"],
)
def test_lookups_on_whole_numbers_are_refused(client, make_applicant, superuser, lookup):
    """Filtering the queue by passport, SNILS, INN or MRZ through the URL is refused (400)."""
    make_applicant()
    client.force_login(superuser)
    assert client.get(QUEUE, {lookup: "AB1234567"}).status_code == 400


def test_filters_by_method_centre_and_waiting_time(client, make_applicant, role_user):
    """The method, centre and waiting filters narrow the queue."""
    centre = ServiceCentre.objects.create(name="North", region="77", city="Moscow", address="A")
    at_centre = make_applicant()
    flows.open_confirmation(at_centre.account, "service_centre", centre=centre)
    by_post = make_applicant()
    flows.open_confirmation(by_post.account, "scan_review")
    waiting_long = make_applicant()
    Applicant.objects.filter(pk=waiting_long.pk).update(submitted_at=timezone.now() - timedelta(days=10))
    client.force_login(role_user("clerk"))

    def listed(**params) -> set[str]:
        page = client.get(QUEUE, params).content.decode()
        return {a.application_number for a in (at_centre, by_post, waiting_long) if a.application_number in page}

    assert listed(method="service_centre") == {at_centre.application_number}
    assert listed(method="none") == {waiting_long.application_number}
    assert listed(centre=str(centre.pk)) == {at_centre.application_number}
    assert listed(waiting="7d+") == {waiting_long.application_number}
    assert listed(waiting="1d") == {at_centre.application_number, by_post.application_number}


def _method_cell(page: str, applicant) -> str:
    """The method column of ``applicant``'s row in the queue page."""
    row = page.split(applicant.application_number, 1)[1].split("</tr>", 1)[0]
    return row.split('<td class="field-method_label">', 1)[1].split("</td>", 1)[0]


def test_method_column_and_filter_after_confirmation(client, make_applicant, role_user):
    """The column shows the open confirmation's method, else the latest one's; "Not chosen" means none at all."""
    from django.utils import translation

    from registration.accounts import status
    from registration.identity import registry
    from registration.identity.models import ConfirmationState

    confirmed = make_applicant()
    flows.open_confirmation(confirmed.account, "scan_review")
    confirmed.account.identity_confirmations.update(state=ConfirmationState.CONFIRMED, completed_at=timezone.now())
    status.activate(confirmed.account, by=None)
    switched = make_applicant()  # rejected by scans, now waiting at a service centre
    flows.open_confirmation(switched.account, "scan_review")
    switched.account.identity_confirmations.update(
        state=ConfirmationState.REJECTED, started_at=timezone.now() - timedelta(days=1)
    )
    flows.open_confirmation(switched.account, "service_centre")
    rejected = make_applicant()  # only a finished confirmation, nothing open
    flows.open_confirmation(rejected.account, "service_centre")
    rejected.account.identity_confirmations.update(state=ConfirmationState.REJECTED)
    never = make_applicant()
    applicants = (confirmed, switched, rejected, never)
    client.force_login(role_user("clerk"))

    def page(**params) -> str:
        return client.get(QUEUE, {"status": "all", **params}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    def listed(**params) -> set[str]:
        content = page(**params)
        return {a.application_number for a in applicants if a.application_number in content}

    everything = page()
    with translation.override("en"):
        by_scans, at_centre = registry.label("scan_review"), registry.label("service_centre")
    assert _method_cell(everything, confirmed) == by_scans
    assert _method_cell(everything, switched) == at_centre
    assert _method_cell(everything, rejected) == at_centre
    assert _method_cell(everything, never) == "—"
    assert listed(method="none") == {never.application_number}
    assert listed(method="scan_review") == {confirmed.application_number}
    assert listed(method="service_centre") == {switched.application_number, rejected.application_number}


def _centre_cell(page: str, applicant) -> str:
    """The centre column of ``applicant``'s row in the queue page."""
    row = page.split(applicant.application_number, 1)[1].split("</tr>", 1)[0]
    return row.split('<td class="field-centre_label">', 1)[1].split("</td>", 1)[0]


def test_centre_column_and_filter_follow_the_shown_confirmation(client, make_applicant, role_user):
    """The centre column and filter use the open confirmation, else the latest one, as the method column does."""
    from registration.accounts import status
    from registration.identity.models import ConfirmationState

    north = ServiceCentre.objects.create(name="North", region="77", city="Moscow", address="A")
    south = ServiceCentre.objects.create(name="South", region="77", city="Moscow", address="B")
    confirmed = make_applicant()  # confirmed at the North centre, nothing open
    flows.open_confirmation(confirmed.account, "service_centre", centre=north)
    confirmed.account.identity_confirmations.update(state=ConfirmationState.CONFIRMED, completed_at=timezone.now())
    status.activate(confirmed.account, by=None)
    switched = make_applicant()  # rejected at the North centre, now waiting at the South one
    flows.open_confirmation(switched.account, "service_centre", centre=north)
    switched.account.identity_confirmations.update(
        state=ConfirmationState.REJECTED, started_at=timezone.now() - timedelta(days=1)
    )
    flows.open_confirmation(switched.account, "service_centre", centre=south)
    by_scans = make_applicant()  # rejected at the South centre, now reviewed by scans (no centre)
    flows.open_confirmation(by_scans.account, "service_centre", centre=south)
    by_scans.account.identity_confirmations.update(
        state=ConfirmationState.REJECTED, started_at=timezone.now() - timedelta(days=1)
    )
    flows.open_confirmation(by_scans.account, "scan_review")
    rejected = make_applicant()  # only a finished confirmation at the South centre
    flows.open_confirmation(rejected.account, "service_centre", centre=south)
    rejected.account.identity_confirmations.update(state=ConfirmationState.REJECTED)
    never = make_applicant()
    applicants = (confirmed, switched, by_scans, rejected, never)
    client.force_login(role_user("clerk"))

    def page(**params) -> str:
        return client.get(QUEUE, {"status": "all", **params}, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    def listed(**params) -> set[str]:
        content = page(**params)
        return {a.application_number for a in applicants if a.application_number in content}

    everything = page()
    assert _centre_cell(everything, confirmed) == "North"
    assert _centre_cell(everything, switched) == "South"
    assert _centre_cell(everything, by_scans) == "—"
    assert _centre_cell(everything, rejected) == "South"
    assert _centre_cell(everything, never) == "—"
    assert listed(centre=str(north.pk)) == {confirmed.application_number}
    assert listed(centre=str(south.pk)) == {switched.application_number, rejected.application_number}


def test_a_search_looks_across_every_status_and_says_which(client, make_applicant, role_user):
    """The default "pending" filter never hides a hit: a search looks at every status, and the row says it."""
    from registration.accounts import status

    active = make_applicant(passport_number="FA7654321")
    status.activate(active.account, by=None)
    client.force_login(role_user("clerk"))
    assert active.application_number not in client.get(QUEUE).content.decode()
    for term in (active.application_number, "FA7654321"):
        page = client.get(QUEUE, {"q": term}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert active.application_number in page
        assert '<td class="field-account_status">Active</td>' in page
    # A status the clerk chose still applies.
    assert active.application_number not in client.get(QUEUE, {"q": "FA7654321", "status": "pending"}).content.decode()


def test_a_clerks_queue_opens_on_their_centre_and_search_finds_the_others(client, make_applicant, role_user):
    """A clerk of a centre sees its applications first; people at another centre are found by search."""
    north = ServiceCentre.objects.create(name="North", region="77", city="Moscow", address="A")
    south = ServiceCentre.objects.create(name="South", region="77", city="Moscow", address="B")
    ours = make_applicant()
    flows.open_confirmation(ours.account, "service_centre", centre=north)
    theirs = make_applicant(passport_number="FA1112223")
    flows.open_confirmation(theirs.account, "service_centre", centre=south)
    clerk = role_user("clerk")
    clerk.service_centre = north
    clerk.save(update_fields=["service_centre"])
    client.force_login(clerk)
    page = client.get(QUEUE).content.decode()
    assert ours.application_number in page and theirs.application_number not in page
    assert theirs.application_number in client.get(QUEUE, {"centre": "all"}).content.decode()
    assert theirs.application_number in client.get(QUEUE, {"q": "FA1112223"}).content.decode()
    assert theirs.application_number in client.get(QUEUE, {"q": theirs.application_number}).content.decode()
    # A method chosen looks at every centre (only a visit has one), unless a centre is chosen as well.
    by_scans = make_applicant(passport_number="FA3334445")
    flows.open_confirmation(by_scans.account, "scan_review")
    assert by_scans.application_number in client.get(QUEUE, {"method": "scan_review"}).content.decode()
    visits = client.get(QUEUE, {"method": "service_centre"}).content.decode()
    assert ours.application_number in visits and theirs.application_number in visits
    visits_here = client.get(QUEUE, {"method": "service_centre", "centre": str(north.pk)}).content.decode()
    assert ours.application_number in visits_here and theirs.application_number not in visits_here


def test_the_queue_columns_follow_the_flows(make_applicant):
    """The applicant row's copies (status, shown method and centre) change with the flows, in their transaction."""
    from registration.accounts import status
    from registration.identity import queue_columns

    centre = ServiceCentre.objects.create(name="North", region="77", city="Moscow", address="A")
    applicant = make_applicant()
    assert (applicant.queue_status, applicant.queue_method, applicant.queue_centre_id) == ("pending", "", None)
    flows.open_confirmation(applicant.account, "service_centre", centre=centre)
    applicant.refresh_from_db()
    assert (applicant.queue_method, applicant.queue_centre_id) == ("service_centre", centre.pk)
    flows.open_confirmation(applicant.account, "scan_review")  # cancels the visit
    applicant.refresh_from_db()
    assert (applicant.queue_method, applicant.queue_centre_id) == ("scan_review", None)
    status.activate(applicant.account, by=None)
    applicant.refresh_from_db()
    assert applicant.queue_status == "active"
    # The backfill (the migration's, and after bulk loads) computes the same.
    Applicant.objects.filter(pk=applicant.pk).update(queue_status="pending", queue_method="", queue_centre=None)
    assert queue_columns.backfill() == 1
    applicant.refresh_from_db()
    assert (applicant.queue_status, applicant.queue_method, applicant.queue_centre_id) == (
        "active",
        "scan_review",
        None,
    )


def test_the_migration_fills_in_the_queue_columns_of_existing_applications(make_applicant):
    """The data migration that adds the copies computes them for the applications already there."""
    import importlib

    from django.apps import apps

    from registration.accounts import status

    migration = importlib.import_module("registration.accounts.migrations.0007_applicant_queue_columns")
    centre = ServiceCentre.objects.create(name="North", region="77", city="Moscow", address="A")
    visiting, active, waiting = make_applicant(), make_applicant(), make_applicant()
    flows.open_confirmation(visiting.account, "service_centre", centre=centre)
    flows.open_confirmation(active.account, "scan_review")
    status.activate(active.account, by=None)
    Applicant.objects.update(queue_status="", queue_method="?", queue_centre=None)  # as before the migration
    migration.backfill(apps, None)
    copies = {
        a.pk: (a.queue_status, a.queue_method, a.queue_centre_id)
        for a in Applicant.objects.filter(pk__in=[visiting.pk, active.pk, waiting.pk])
    }
    assert copies == {
        visiting.pk: ("pending", "service_centre", centre.pk),
        active.pk: ("active", "scan_review", None),
        waiting.pk: ("pending", "", None),
    }


def test_a_clerk_cannot_choose_their_own_centre(client, role_user):
    """A clerk's centre is set by an administrator: the account pages stay closed to the clerk's role."""
    north = ServiceCentre.objects.create(name="North", region="77", city="Moscow", address="A")
    clerk = role_user("clerk")
    client.force_login(clerk)
    url = reverse("admin:accounts_account_change", args=[clerk.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"email": clerk.email, "service_centre": north.pk}).status_code == 403
    clerk.refresh_from_db()
    assert clerk.service_centre_id is None
