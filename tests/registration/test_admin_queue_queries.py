"""The workspace's lists keep a constant number of queries, however many rows they hold."""

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
    # Bulk loads bypass the model's save: the queue's copies of method and centre are recomputed once.
    from registration.identity import queue_columns

    queue_columns.backfill()


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


def _numbers(page: str) -> list[str]:
    import re

    return re.findall(r">(5\d{9})</a>", page)


def test_pages_by_keyset_reach_every_row_once_forwards_and_backwards(client, role_user):
    """Next, previous and last pages cover the queue exactly, in order, without a count or an offset."""
    import re

    client.force_login(role_user("clerk"))
    _bulk_applicants(120)
    expected = list(Applicant.objects.order_by("submitted_at", "pk").values_list("application_number", flat=True))
    seen, url, pages = [], QUEUE + "?status=all", []
    while url:
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        pages.append((len(queries), page))
        seen += _numbers(page)
        found = re.search(r'href="(\?[^"]*after=\d+[^"]*)">Next page', page)
        url = QUEUE + found.group(1).replace("&amp;", "&") if found else None
    assert seen == expected
    assert len(pages) == 3
    assert "about" in pages[0][1] or "more than 50 results" in pages[0][1]
    assert all(" OFFSET " not in q["sql"] and "COUNT(" not in q["sql"].upper() for q in queries.captured_queries)
    # The last page holds the last 50 rows; from there back towards the first.
    last = client.get(QUEUE, {"status": "all", "last": "1"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _numbers(last) == expected[70:]
    assert "Next page" not in last
    found = re.search(r'href="(\?[^"]*before=\d+[^"]*)">Previous page', last)
    previous = client.get(QUEUE + found.group(1).replace("&amp;", "&")).content.decode()
    assert _numbers(previous) == expected[20:70]
    # Sorted by name, newest first: the same rows, each once.
    by_name = []
    url = QUEUE + "?status=all&o=-1"
    while url:
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        by_name += _numbers(page)
        found = re.search(r'href="(\?[^"]*after=\d+[^"]*)">Next page', page)
        url = QUEUE + found.group(1).replace("&amp;", "&") if found else None
    assert by_name == list(Applicant.objects.order_by("-surname", "-pk").values_list("application_number", flat=True))


def test_a_list_that_fits_on_a_page_says_its_exact_count(client, role_user):
    client.force_login(role_user("clerk"))
    _bulk_applicants(3)
    page = client.get(QUEUE, {"status": "all"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3 results" in page
    assert "Next page" not in page


def test_a_cursor_of_an_unknown_row_shows_the_first_page(client, role_user):
    client.force_login(role_user("clerk"))
    _bulk_applicants(2)
    for cursor in ({"after": "999999"}, {"before": "abc"}, {"p": "7"}):
        response = client.get(QUEUE, {"status": "all", **cursor})
        assert response.status_code == 200
        assert len(_numbers(response.content.decode())) == 2
