"""The clerks see the zone read from the scan beside the typed data, and filter the queue by it."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registration.onboarding import zone
from registration.onboarding.models import ZoneOutcome, ZoneReading, ZoneStatus
from tests.registration.identity_fixtures import make_applicant, role_user

QUEUE = reverse("admin:identity_pendingapplication_changelist")
pytestmark = pytest.mark.django_db


def zone_of(applicant, **changes):
    document = applicant.documents.get(role="identity")
    read = {
        "document_number": document.number,
        "surname": applicant.surname,
        "given_names": applicant.given_names,
        "nationality": "SWE",
        "birth_date": applicant.birth_date.isoformat(),
        "sex": applicant.sex,
        "expiry_date": document.expiry_date.isoformat() if document.expiry_date else None,
    }
    return {**read, **changes}


def attach(applicant, **changes):
    """The reading a submission would attach: read from the scan, compared with the application."""
    reading = ZoneReading.objects.create(
        draft="d" + str(applicant.pk),
        scan="drafts/x.jpg",
        status=ZoneStatus.READ,
        zone_json=json.dumps(zone_of(applicant, **changes)),
    )
    document = applicant.documents.get(role="identity")
    zone.attach(reading, applicant, zone.applicant_typed(applicant, document))
    reading.refresh_from_db()
    return reading


def zone_table(client, applicant):
    page = client.get(
        reverse("admin:identity_pendingapplication_change", args=[applicant.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    html = page.content.decode()
    return html.split('id="zone-comparison"', 1)[1].split("</section>", 1)[0]


def rows(table):
    import re

    return dict(re.findall(r'<th scope="row">([^<]+)</th>.*?<td>(?:<strong>)?(Equal|Different|Not read)', table, re.S))


def test_the_clerk_sees_each_field_equal_different_or_not_read(client, make_applicant, role_user):
    applicant = make_applicant("one@example.org")
    reading = attach(applicant, surname="ERIKSON", sex="<")
    assert reading.outcome == ZoneOutcome.DIFFER
    client.force_login(role_user("clerk"))
    table = zone_table(client, applicant)
    states = rows(table)
    assert states["Surname"] == "Different"
    assert states["Given names"] == "Equal"
    assert states["Date of birth"] == "Equal"
    assert states["Sex"] == "Not read"  # the zone gives no sex
    assert states["Citizenship"] == "Equal"  # SWE is Sweden
    assert states["Document number"] == "Equal"
    assert "ERIKSON" in table and "<strong>Different</strong>" in table


def test_an_application_from_before_shows_not_read(client, make_applicant, role_user):
    applicant = make_applicant("old@example.org")
    client.force_login(role_user("clerk"))
    states = rows(zone_table(client, applicant))
    assert set(states.values()) == {"Not read"} and len(states) == len(zone.FIELDS)


def test_the_comparison_reads_in_russian(client, make_applicant, role_user):
    applicant = make_applicant("ru@example.org")
    attach(applicant, document_number="AB7654321")
    client.force_login(role_user("clerk"))
    page = client.get(
        reverse("admin:identity_pendingapplication_change", args=[applicant.pk]), HTTP_ACCEPT_LANGUAGE="ru"
    )
    html = page.content.decode()
    assert "Машиночитаемая зона со скана" in html
    assert "Различается" in html and "Совпадает" in html


def test_the_queue_filters_by_the_zone_with_one_query_for_the_page(client, make_applicant, role_user):
    differing = make_applicant("differ@example.org")
    attach(differing, birth_date="1991-08-12")
    agreeing = make_applicant("equal@example.org")
    attach(agreeing)
    old = make_applicant("old@example.org")
    client.force_login(role_user("clerk"))

    def numbers(value):
        page = client.get(QUEUE, {"zone": value}, HTTP_ACCEPT_LANGUAGE="en")
        assert page.status_code == 200
        html = page.content.decode()
        return {a.application_number for a in (differing, agreeing, old) if a.application_number in html}

    assert numbers("differ") == {differing.application_number}
    assert numbers("equal") == {agreeing.application_number}
    assert numbers("not_read") == {old.application_number}
    assert numbers("bogus") == set()
    with CaptureQueriesContext(connection) as queries:
        client.get(QUEUE, {"zone": "differ"})
    filtered = [q["sql"] for q in queries.captured_queries if "onboarding_zonereading" in q["sql"]]
    assert filtered and all("outcome" in sql for sql in filtered)


def test_the_outcome_column_is_indexed():
    field = ZoneReading._meta.get_field("outcome")
    assert field.db_index
