"""The application queue and the application page in the clerks' workspace."""

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


def _bulk_applicants(count: int, state: str = "in_progress") -> None:
    """Many pending applicants with documents and a chosen method (its confirmation in ``state``), created quickly."""
    from registration.accounts.models import Document
    from registration.identity.models import IdentityConfirmation

    centre = ServiceCentre.objects.create(name="C", region="77", city="Moscow", address="A")
    accounts = Account.objects.bulk_create(
        [Account(email=f"bulk{n}@example.org", phone=f"+7900{n:07d}", password="!") for n in range(count)]
    )
    applicants = Applicant.objects.bulk_create(
        [
            Applicant(
                account=account,
                application_number=f"{5000000000 + n}",
                surname=f"SURNAME{n}",
                given_names="NAME",
                surname_cyrillic="ФАМИЛИЯ",
                given_names_cyrillic="ИМЯ",
                birth_date="1990-01-01",
                birth_place="X",
                sex="M",
                citizenship="UZ",
                snils="11223344595",
                region="77",
                city="Moscow",
                street="S",
                house="1",
                postcode="101000",
                submitted_at=timezone.now() - timedelta(days=n % 10),
            )
            for n, account in enumerate(accounts)
        ]
    )
    Document.objects.bulk_create(
        [
            Document(
                applicant=a,
                role="identity",
                kind="foreign_passport",
                number=f"AA{n:07d}",
                number_last_digits=f"{n:04d}",
            )
            for n, a in enumerate(applicants)
        ]
    )
    IdentityConfirmation.objects.bulk_create(
        [IdentityConfirmation(account=a, method="service_centre", centre=centre, state=state) for a in accounts]
    )


def _queries_for_queue(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_query_count_does_not_grow_with_rows(client, role_user):
    """A page of 1 row and a page of 50 (out of 200) rows cost the same number of queries."""
    client.force_login(role_user("clerk"))
    _bulk_applicants(1)
    one, page = _queries_for_queue(client)
    assert "SURNAME0" in page
    Account.objects.filter(email__startswith="bulk").delete()
    _bulk_applicants(200)
    many, page = _queries_for_queue(client)
    assert page.count("SURNAME") >= 50
    assert one == many


@pytest.mark.parametrize("state", ["confirmed", "rejected"])
def test_query_count_does_not_grow_with_finished_confirmations(client, role_user, state):
    """The method and centre of finished confirmations are shown at a constant number of queries too."""
    from django.utils import translation

    from registration.identity import registry

    client.force_login(role_user("clerk"))
    with translation.override("en"):
        cell = f'<td class="field-method_label">{registry.label("service_centre")}</td>'
    centre_cell = '<td class="field-centre_label">C</td>'
    _bulk_applicants(1, state)
    one, page = _queries_for_all(client)
    assert page.count(cell) == 1
    assert page.count(centre_cell) == 1
    Account.objects.filter(email__startswith="bulk").delete()
    ServiceCentre.objects.all().delete()
    _bulk_applicants(120, state)
    many, page = _queries_for_all(client)
    assert page.count(cell) == 50
    assert page.count(centre_cell) == 50
    assert one == many


def _queries_for_all(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE, {"status": "all"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_personal_data_is_masked_in_the_list(client, make_applicant, role_user):
    """Phone, passport and SNILS appear masked; whole numbers do not appear at all."""
    applicant = make_applicant(phone="+79161234567", passport_number="AB1234567", snils="11223344595")
    client.force_login(role_user("clerk"))
    page = client.get(QUEUE).content.decode()
    assert applicant.application_number in page
    assert "********4567" in page and "******4567" in page and "***-***-*** 95" in page
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
        ("AB1234567", False),
        ("11223344595", False),
        ("112-233-445 95", False),
    ],
)
def test_search(client, make_applicant, role_user, term, found):
    """Search by number, e-mail, phone, name or last 4 passport digits; whole passport or SNILS find nothing."""
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


def test_application_page_shows_data_scans_mrz_and_history(client, make_applicant, role_user):
    """The page puts the typed data beside the scan, shows the MRZ check and the history."""
    applicant = make_applicant()
    flows.open_confirmation(applicant.account, "scan_review")
    client.force_login(role_user("clerk"))
    response = client.get(reverse("admin:identity_pendingapplication_change", args=[applicant.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    document = applicant.documents.get()
    assert reverse("registration:document_scan", args=[document.pk]) in page
    assert "AB1234567" in page
    assert "mrz-ok" in page
    assert "identity_document" in page  # the originals checkboxes of the confirm form
    assert reverse("admin:identity_pendingapplication_confirm_scans", args=[applicant.pk]) in page


def _status_line(client, applicant) -> str:
    """The application page's status line (account status, submission, method), in English."""
    response = client.get(
        reverse("admin:identity_pendingapplication_change", args=[applicant.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    return response.content.decode().split('class="application-status"', 1)[1].split("</p>", 1)[0]


@pytest.mark.parametrize(
    ("method", "action", "data"),
    [
        ("service_centre", "confirm", {"originals": ["identity_document", "stay_document"]}),
        ("scan_review", "confirm_scans", {"checks": ["scans_match"]}),
    ],
)
def test_application_page_names_the_method_that_confirmed(client, make_applicant, role_user, method, action, data):
    """After a clerk confirms, the page shows the method used and its state, not "not chosen"."""
    from django.utils import translation

    from registration.identity import registry
    from registration.identity.models import ConfirmationState

    centre = ServiceCentre.objects.create(name="MFC Tverskoy", region="77", city="Moscow", address="A")
    applicant = make_applicant()
    flows.open_confirmation(applicant.account, method, centre=centre if method == "service_centre" else None)
    client.force_login(role_user("clerk"))
    with translation.override("en"):
        expected = f"<strong>{registry.label(method)}</strong> ({ConfirmationState.IN_PROGRESS.label})"
        assert expected in _status_line(client, applicant)
        response = client.post(reverse(f"admin:identity_pendingapplication_{action}", args=[applicant.pk]), data)
        assert response.status_code == 302
        assert Account.objects.get(pk=applicant.account_id).status == "active"
        line = _status_line(client, applicant)
        assert f"<strong>{registry.label(method)}</strong> ({ConfirmationState.CONFIRMED.label})" in line
        assert "not chosen" not in line
        assert (centre.name in line) is (method == "service_centre")


def test_application_page_says_when_no_method_was_chosen(client, make_applicant, role_user):
    """A person who has not chosen a method yet is shown as such."""
    from django.utils import translation

    applicant = make_applicant()
    client.force_login(role_user("clerk"))
    with translation.override("en"):
        assert "<strong>not chosen</strong>" in _status_line(client, applicant)


def test_mrz_mismatch_is_pointed_out(client, make_applicant, role_user):
    """A typed birth date that differs from the MRZ is shown as a mismatch on that field."""
    from datetime import date

    applicant = make_applicant()
    Applicant.objects.filter(pk=applicant.pk).update(birth_date=date(1991, 8, 12))
    client.force_login(role_user("clerk"))
    page = client.get(reverse("admin:identity_pendingapplication_change", args=[applicant.pk])).content.decode()
    assert 'class="mismatch"' in page and "12.08.1990" in page


def test_qr_lookup_leads_to_the_application(client, make_applicant, role_user):
    """The receipt's QR link opens the application for a clerk, and is a 404 for an unknown number."""
    applicant = make_applicant()
    client.force_login(role_user("clerk"))
    url = reverse("admin:identity_pendingapplication_lookup", args=[applicant.application_number])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:identity_pendingapplication_change", args=[applicant.pk])
    assert client.get(reverse("admin:identity_pendingapplication_lookup", args=["0000000000"])).status_code == 404


def _letters(count: int) -> None:
    from registration.identity.models import IdentityConfirmation, PostLetter

    accounts = Account.objects.bulk_create(
        [Account(email=f"letter{n}@example.org", phone=f"+7901{n:07d}", password="!") for n in range(count)]
    )
    Applicant.objects.bulk_create(
        [
            Applicant(
                account=account,
                application_number=f"{6000000000 + n}",
                surname=f"LETTER{n}",
                given_names="NAME",
                surname_cyrillic="Ф",
                given_names_cyrillic="И",
                birth_date="1990-01-01",
                birth_place="X",
                sex="F",
                citizenship="SE",
                region="77",
                city="Moscow",
                street="S",
                house="1",
                postcode="101000",
            )
            for n, account in enumerate(accounts)
        ]
    )
    confirmations = IdentityConfirmation.objects.bulk_create(
        [IdentityConfirmation(account=a, method="post_letter") for a in accounts]
    )
    PostLetter.objects.bulk_create(
        [
            PostLetter(confirmation=c, account=c.account, postcode="101000", address="Moscow, Post 1")
            for c in confirmations
        ]
    )


def _support_requests(count: int) -> None:
    from registration.support.models import SupportMessage, SupportRequest

    accounts = Account.objects.bulk_create(
        [Account(email=f"help{n}@example.org", phone=f"+7902{n:07d}", password="!") for n in range(count)]
    )
    requests = SupportRequest.objects.bulk_create(
        [SupportRequest(account=a, subject=f"HELP{n}", number=f"S-{10000000 + n}") for n, a in enumerate(accounts)]
    )
    SupportMessage.objects.bulk_create([SupportMessage(request=r, author=r.account, body="?") for r in requests])


@pytest.mark.parametrize(
    ("role", "url", "make", "marker"),
    [
        ("post", "admin:identity_postletter_changelist", _letters, "LETTER"),
        ("support", "admin:support_supportrequest_changelist", _support_requests, "HELP"),
    ],
)
def test_desk_lists_have_a_constant_query_count(client, role_user, role, url, make, marker):
    """The post letters and support lists cost the same number of queries for 1 row and for 200 rows."""
    client.force_login(role_user(role))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(url))
        assert response.status_code == 200 and marker in response.content.decode()
        return len(queries)

    make(1)
    one = count()
    Account.objects.filter(is_staff=False).delete()
    make(200)
    assert count() == one


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


def test_empty_reason_on_the_application_page_asks_for_it(client, make_applicant, role_user):
    """Rejecting with no reason shows the specific message on the clerk's page, never Django's generic one."""
    applicant = make_applicant()
    flows.open_confirmation(applicant.account, "scan_review")
    client.force_login(role_user("clerk"))
    url = reverse("admin:identity_pendingapplication_reject", args=[applicant.pk])
    response = client.post(url, {"reject-reason": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the reason: the person reads it." in html
    assert "This field is required." not in html
