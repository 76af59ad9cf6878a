"""The access policy, walked: every role × every kind of object, the policy's answer and the real view's status.

Each cell of ``TABLE`` reads ``+`` (the policy allows) or ``-`` (it refuses), then what the view answers:
a status code, or ``login`` for a redirect to a log-in page. A refused action answering ``302`` was
refused by the object's state (the page says why; nothing changed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.messages import get_messages
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from registration import access
from registration.accounts.models import Account, AccountStatus
from registration.identity import post_letter, video_call
from registration.identity.models import DocumentRequest, PostLetter, RequestedScan, VideoSlot
from registration.profile.models import ChangeKind, ProfileChangeRequest
from registration.support.models import SupportMessage, SupportRequest
from tests.registration.identity_fixtures import ROLES, make_applicant, role_user, scan_png  # noqa: F401

SUBJECTS = ("owner", "other", "anon", "clerk", "post", "video", "video2", "consul", "support", "chief", "root", "staff")
# owner: the person whose objects these are; other: another applicant; anon: nobody logged in;
# video: the operator of the person's call; video2: another video operator; chief: a support supervisor;
# root: a superuser; staff: a staff account without a role.

TABLE = """
kind                 owner  other  anon   clerk  post   video  video2 consul support chief  root   staff
document_scan        +200   -404   -login +200   -404   +200   -404   -404   -404    -404   +200   -404
requested_scan       +200   -404   -login +200   -404   +200   -404   -404   -404    -404   +200   -404
change_scan          +200   -404   -login +200   -404   +200   -404   -404   -404    -404   +200   -404
support_thread       +200   -404   -login -403   -403   -403   -403   -403   +200    +200   +200   -403
support_attachment   -login -login -login -403   -403   -403   -403   -403   +200    +200   +200   -403
letter               -login -login -login -403   +200   -403   -403   -403   -403    -403   +200   -403
application          -login -login -login +200   -403   -403   -403   -403   -403    -403   +200   -403
confirm              -login -login -login +302   -403   -403   -403   -403   -403    -403   +302   -403
reject               -login -login -login +302   -403   -403   -403   -403   -403    -403   +302   -403
request_documents    -login -login -login +302   -403   -403   -403   -403   -403    -403   +302   -403
block                -login -login -login +302   -403   -403   -403   -403   -403    -403   +302   -403
issue_code           -login -login -login -302   -403   -403   -403   -403   -403    -403   -302   -403
review_change        -login -login -login +302   -403   -403   -403   -403   -403    -403   +302   -403
decide_video         -login -login -login -403   -403   +302   -404   -403   -403    -403   +302   -403
print_letters        -login -login -login -403   +200   -403   -403   -403   -403    -403   +200   -403
issue_consulate_code -login -login -login -403   -403   -403   -403   +200   -403    -403   +200   -403
answer_support       -login -login -login -403   -403   -403   -403   -403   +302    +302   +302   -403
verify_caller        -login -login -login -403   -403   -403   -403   -403   +200    +200   +200   -403
"""


def _cells() -> list[tuple[str, str, bool, str]]:
    lines = [line.split() for line in TABLE.strip().splitlines()]
    header, rows = lines[0][1:], lines[1:]
    assert tuple(header) == SUBJECTS
    return [(row[0], who, cell[0] == "+", cell[1:]) for row in rows for who, cell in zip(header, row[1:], strict=True)]


CELLS = _cells()


@dataclass
class World:
    users: dict[str, Any]
    person: Any  # the owner's Applicant
    objects: dict[str, Any]


@pytest.fixture
def world(make_applicant, role_user, make_account):  # noqa: F811
    """One person with one of everything (scans, a change, a thread with an attachment, a call), a letter."""
    video = role_user("video", "video@staff.example.org")
    users: dict[str, Any] = {
        "anon": AnonymousUser(),
        "clerk": role_user("clerk"),
        "post": role_user("post"),
        "video": video,
        "video2": role_user("video", "video2@staff.example.org"),
        "consul": role_user("consul"),
        "support": role_user("support"),
        "root": Account.objects.create_superuser("root@staff.example.org", "pw"),
        "staff": make_account("staff@staff.example.org", is_staff=True, phone=None),
    }
    chief = make_account("chief@staff.example.org", is_staff=True, phone=None)
    chief.groups.add(Group.objects.get(name="Support supervisors"))
    users["chief"] = Account.objects.get(pk=chief.pk)
    person = make_applicant()
    users["owner"] = person.account
    users["other"] = make_applicant().account
    # The person's call with ``video`` started a minute ago and is not decided yet.
    slot = VideoSlot.objects.create(operator=video, starts_at=timezone.now() + timedelta(hours=3))
    confirmation = video_call.METHOD.start(person.account)
    video_call.METHOD.book(confirmation, slot, request=None)
    VideoSlot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    document_request = DocumentRequest.objects.create(
        confirmation=confirmation, account=person.account, message="Page 2"
    )
    requested = RequestedScan(request=document_request, scan_type="png")
    requested.scan.save("page2.png", ContentFile(scan_png(1)), save=True)
    change = ProfileChangeRequest(account=person.account, kind=ChangeKind.PERSONAL, scan_type="png")
    change.proposed = {"surname": "ERIKSON"}
    change.scan.save("new.png", ContentFile(scan_png(2)), save=True)
    thread = SupportRequest.objects.create(account=person.account, subject="Cannot log in")
    message = SupportMessage(request=thread, author=person.account, body="Screenshot")
    message.attachment.save("screen.png", ContentFile(scan_png(3)), save=True)
    letter_owner = make_applicant()
    post_letter.METHOD.start(letter_owner.account, postcode="101000", address="Moscow, Post 1")
    objects = {
        "document": person.documents.get(),
        "requested": requested,
        "change": change,
        "thread": thread,
        "message": message,
        "slot": VideoSlot.objects.select_related("booked_for").get(pk=slot.pk),
        "letter": PostLetter.objects.get(),
    }
    return World(users=users, person=person, objects=objects)


def _admin(name: str, *args: Any) -> str:
    return reverse(f"admin:{name}", args=args)


@dataclass(frozen=True)
class Kind:
    """How to ask the policy about one kind of object, and the request its real view answers."""

    policy: Callable[[Any, World], bool]
    request: Callable[[World, str], tuple[str, str, dict]]  # (method, url, data) for a subject


def _get(url: str) -> tuple[str, str, dict]:
    return "get", url, {}


def _post(url: str, data: dict | None = None) -> tuple[str, str, dict]:
    return "post", url, data or {}


def _app(w: World) -> int:
    return w.person.pk


def _thread_page(w: World, who: str) -> tuple[str, str, dict]:
    """People read their thread in the cabinet; staff in the workspace."""
    if who in ("owner", "other", "anon"):
        return _get(reverse("registration:support_detail", args=[w.objects["thread"].number]))
    return _get(_admin("support_supportrequest_change", w.objects["thread"].pk))


KINDS: dict[str, Kind] = {
    "document_scan": Kind(
        lambda u, w: access.can_view_scan(u, w.objects["document"]),
        lambda w, who: _get(reverse("registration:document_scan", args=[w.objects["document"].pk])),
    ),
    "requested_scan": Kind(
        lambda u, w: access.can_view_requested_scan(u, w.objects["requested"]),
        lambda w, who: _get(reverse("registration:requested_scan", args=[w.objects["requested"].pk])),
    ),
    "change_scan": Kind(
        lambda u, w: access.can_view_change_scan(u, w.objects["change"]),
        lambda w, who: _get(reverse("registration:profile_change_scan", args=[w.objects["change"].pk])),
    ),
    "support_thread": Kind(lambda u, w: access.can_view_support_thread(u, w.objects["thread"]), _thread_page),
    "support_attachment": Kind(
        lambda u, w: access.can_view_support_attachment(u, w.objects["message"]),
        lambda w, who: _get(_admin("support_supportrequest_attachment", w.objects["message"].pk)),
    ),
    "letter": Kind(
        lambda u, w: access.can_view_letter(u, w.objects["letter"]),
        lambda w, who: _get(_admin("identity_postletter_change", w.objects["letter"].pk)),
    ),
    "application": Kind(
        lambda u, w: access.can_view_application(u, w.person),
        lambda w, who: _get(_admin("identity_pendingapplication_change", _app(w))),
    ),
    "confirm": Kind(
        lambda u, w: access.can(u, "confirm", w.person),
        lambda w, who: _post(
            _admin("identity_pendingapplication_confirm", _app(w)), {"originals": ["identity_document"]}
        ),
    ),
    "reject": Kind(
        lambda u, w: access.can(u, "reject", w.person),
        lambda w, who: _post(_admin("identity_pendingapplication_reject", _app(w)), {"reject-reason": "Blurred"}),
    ),
    "request_documents": Kind(
        lambda u, w: access.can(u, "request_documents", w.person),
        lambda w, who: _post(_admin("identity_pendingapplication_request_documents", _app(w)), {"message": "Page 3"}),
    ),
    "block": Kind(
        lambda u, w: access.can(u, "block", w.person),
        lambda w, who: _post(_admin("identity_pendingapplication_block", _app(w)), {"block-reason": "Fraud"}),
    ),
    "issue_code": Kind(
        lambda u, w: access.can(u, "issue_code", w.person),
        lambda w, who: _post(_admin("identity_pendingapplication_issue_code", _app(w))),
    ),
    "review_change": Kind(
        lambda u, w: access.can_review_change(u, w.objects["change"]),
        lambda w, who: _post(
            _admin("identity_pendingapplication_accept_change", _app(w), w.objects["change"].pk),
            {f"change{w.objects['change'].pk}-compared": "on"},
        ),
    ),
    "decide_video": Kind(
        lambda u, w: access.can_decide_call(u, w.objects["slot"]),
        lambda w, who: _post(
            _admin("identity_videoslot_decide", w.objects["slot"].pk),
            {f"slot{w.objects['slot'].pk}-decision": "reject", f"slot{w.objects['slot'].pk}-reason": "No passport"},
        ),
    ),
    "print_letters": Kind(
        lambda u, w: access.may(u, "print_letters"),
        lambda w, who: _post(_admin("identity_postletter_print_waiting")),
    ),
    "issue_consulate_code": Kind(
        lambda u, w: access.may(u, "issue_consulate_code"),
        lambda w, who: _post(
            _admin("identity_identitycode_issue_consulate"), {"passport_number": "AB1234567", "passport_checked": "on"}
        ),
    ),
    "answer_support": Kind(
        lambda u, w: access.can_answer_support(u, w.objects["thread"]),
        lambda w, who: _post(
            _admin("support_supportrequest_answer", w.objects["thread"].pk), {"body": "Done", "status": "waiting"}
        ),
    ),
    "verify_caller": Kind(
        lambda u, w: access.may(u, "verify_caller"),
        lambda w, who: _get(_admin("registration_caller", w.person.account_id)),
    ),
}


def test_the_table_covers_every_kind_and_subject():
    """Every kind of object has a row, every subject a column: nothing is left out of the walk."""
    assert {kind for kind, *_ in CELLS} == set(KINDS)
    assert len(CELLS) == len(KINDS) * len(SUBJECTS)


@pytest.mark.parametrize(("kind", "who", "allowed", "status"), CELLS, ids=[f"{k}-{w}" for k, w, *_ in CELLS])
def test_policy_and_view_agree(client, world, kind, who, allowed, status):
    """The policy's answer for this role and object, and the HTTP answer of the real view."""
    user = world.users[who]
    if user.is_authenticated:
        user = Account.objects.get(pk=user.pk)  # a fresh instance: no permission cache
    assert KINDS[kind].policy(user, world) is allowed, (kind, who)
    if user.is_authenticated:
        client.force_login(user)
    method, url, data = KINDS[kind].request(world, who)
    response = client.post(url, data) if method == "post" else client.get(url)
    if status == "login":
        assert response.status_code == 302 and "login" in response["Location"], (kind, who, response.status_code)
    else:
        assert response.status_code == int(status), (kind, who, response.status_code)
        if status == "302":
            assert "login" not in response["Location"]


def _scan_status(client, user, world) -> int:
    client.force_login(user)
    return client.get(reverse("registration:document_scan", args=[world.objects["document"].pk])).status_code


def test_video_operator_sees_scans_only_around_an_undecided_call(client, world):
    """A call later than the lead time, or one already decided, gives the operator no scans."""
    slot, video = world.objects["slot"], world.users["video"]
    lead = access.VIDEO_SCAN_LEAD
    VideoSlot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() + lead + timedelta(hours=1))
    assert _scan_status(client, video, world) == 404
    VideoSlot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() + lead - timedelta(minutes=5))
    assert _scan_status(client, video, world) == 200
    slot.booked_for.state = "rejected"
    slot.booked_for.save(update_fields=["state"])
    assert _scan_status(client, video, world) == 404


def test_clerk_sees_no_scans_once_nothing_waits(client, world):
    """An active account with nothing open is out of the queue: its scans are closed to clerks."""
    person = world.person.account
    person.identity_confirmations.update(state="confirmed")
    ProfileChangeRequest.objects.filter(account=person).update(state="accepted")
    Account.objects.filter(pk=person.pk).update(status=AccountStatus.ACTIVE)
    assert _scan_status(client, world.users["clerk"], world) == 404
    assert _scan_status(client, world.users["root"], world) == 200


def test_confirm_is_refused_while_an_active_accounts_change_waits(client, world):
    """A hidden button is not a check: the confirm POST re-checks the state and changes nothing."""
    ProfileChangeRequest.objects.filter(pk=world.objects["change"].pk).update(was_active=True)
    client.force_login(world.users["clerk"])
    url = reverse("admin:identity_pendingapplication_confirm", args=[world.person.pk])
    response = client.post(url, {"originals": ["identity_document"]})
    assert response.status_code == 302
    assert Account.objects.get(pk=world.person.account_id).status == AccountStatus.PENDING
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]


def test_deciding_a_decided_call_changes_nothing(client, world):
    """After the decision the operator's form is refused on the server, not only hidden."""
    slot = world.objects["slot"]
    slot.booked_for.state = "rejected"
    slot.booked_for.save(update_fields=["state"])
    client.force_login(world.users["video"])
    data = {f"slot{slot.pk}-decision": "confirm", f"slot{slot.pk}-reason": ""}
    client.post(reverse("admin:identity_videoslot_decide", args=[slot.pk]), data)
    assert Account.objects.get(pk=world.person.account_id).status == AccountStatus.PENDING
