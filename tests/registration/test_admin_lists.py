"""The workspace's other lists: keyset pages, constant queries, indexed filters and searches."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registration.accounts.models import Account, AuditEvent
from registration.support.models import SupportMessage, SupportRequest
from tests.registration.identity_fixtures import make_applicant, role_user, superuser

AUDIT = reverse("admin:accounts_auditevent_changelist")
SUPPORT = reverse("admin:support_supportrequest_changelist")
SLOTS = reverse("admin:identity_videoslot_changelist")


def _events(count: int, account: Account, actor: Account | None = None) -> None:
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(action="login.succeeded", account=account, actor=actor, at=now - timedelta(minutes=n))
            for n in range(count)
        ]
    )


def _get(client, url: str, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response, queries


def _next(page: str) -> str | None:
    found = re.search(r'href="(\?[^"]*after=\d+[^"]*)">Next page', page)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_audit_log_pages_by_keyset_at_constant_queries(client, make_applicant, superuser):
    """Newest first, every event once across the pages, the same queries for 60 events as for 260."""
    person = make_applicant().account
    client.force_login(superuser)
    _events(60, person)
    _, few = _get(client, AUDIT)
    _events(200, person)
    response, many = _get(client, AUDIT)
    assert len(few) == len(many)
    for query in many.captured_queries:
        assert "OFFSET" not in query["sql"] and "COUNT(" not in query["sql"].upper()
    seen = [event.pk for event in response.context["cl"].result_list]
    link = _next(response.content.decode())
    while link:
        response, _ = _get(client, AUDIT + link)
        seen += [event.pk for event in response.context["cl"].result_list]
        link = _next(response.content.decode())
    assert seen == list(AuditEvent.objects.order_by("-at", "-pk").values_list("pk", flat=True))


def test_the_audit_log_is_searched_by_account_and_filtered_by_known_choices(client, make_applicant, superuser):
    person, other = make_applicant().account, make_applicant().account
    client.force_login(superuser)
    _events(3, person)
    _events(2, other, actor=superuser)
    by_email, _ = _get(client, AUDIT, q=person.email.upper())
    assert {event.account_id for event in by_email.context["cl"].result_list} == {person.pk}
    number = person.applicant.application_number
    by_number, _ = _get(client, AUDIT, q=f"{number[:5]} {number[5:]}")
    assert {event.account_id for event in by_number.context["cl"].result_list} == {person.pk}
    by_actor, _ = _get(client, AUDIT, actor=str(superuser.pk))
    assert {event.account_id for event in by_actor.context["cl"].result_list} == {other.pk}
    staff_email, _ = _get(client, AUDIT, q=superuser.email)
    assert {event.actor_id for event in staff_email.context["cl"].result_list} == {superuser.pk}
    # The filters offer known choices: no scan of the log for its distinct values or dates.
    _, queries = _get(client, AUDIT)
    for query in queries.captured_queries:
        assert "DISTINCT" not in query["sql"].upper()


@pytest.fixture
def requests_of(make_applicant):
    made_so_far = {"n": 0}

    def factory(count: int) -> list[SupportRequest]:
        account = make_applicant().account
        first = made_so_far["n"]
        made_so_far["n"] += count
        made = SupportRequest.objects.bulk_create(
            [
                SupportRequest(number=f"S-{10000000 + n}", account=account, subject="Help")
                for n in range(first, first + count)
            ]
        )
        SupportMessage.objects.bulk_create([SupportMessage(request=r, body="Hello") for r in made for _ in range(2)])
        return made

    return factory


def test_the_support_list_counts_messages_per_row_at_constant_queries(client, requests_of, role_user):
    client.force_login(role_user("support"))
    requests_of(5)
    _, few = _get(client, SUPPORT)
    requests_of(120)
    response, many = _get(client, SUPPORT)
    assert len(few) == len(many)
    assert all(row.message_total == 2 for row in response.context["cl"].result_list)
    assert not any("GROUP BY" in q["sql"].upper() and "LIMIT" not in q["sql"].upper() for q in many.captured_queries)


def test_a_support_request_is_found_by_its_number_in_any_case(client, requests_of, role_user):
    made = requests_of(3)
    client.force_login(role_user("support"))
    # Posted, as the search box does (the list then shows at an opaque search id).
    posted = client.post(SUPPORT, {"q": made[1].number.lower()})
    assert posted.status_code == 302
    response, _ = _get(client, posted["Location"])
    assert [row.pk for row in response.context["cl"].result_list] == [made[1].pk]


def test_video_slots_list_from_today_unless_past_ones_are_asked_for(client, role_user):
    from registration.identity.models import VideoSlot

    operator = role_user("video")
    now = timezone.now()
    past = VideoSlot.objects.create(operator=operator, starts_at=now - timedelta(days=2))
    coming = VideoSlot.objects.create(operator=operator, starts_at=now + timedelta(days=1))
    client.force_login(operator)

    def listed(**params) -> set[int]:
        response, _ = _get(client, SLOTS, **params)
        return {slot.pk for slot in response.context["cl"].result_list}

    assert listed() == {coming.pk}
    assert listed(when="past") == {past.pk}
    assert listed(when="all") == {past.pk, coming.pk}
