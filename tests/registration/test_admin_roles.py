"""Least privilege: each role can do exactly its own actions in the workspace, and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from registration.identity import flows, post_letter, video_call
from registration.identity.models import PostLetter, VideoSlot
from registration.support.models import SupportMessage, SupportRequest
from tests.registration.identity_fixtures import ROLES, make_applicant, role_user

ALL_ROLES = tuple(ROLES)


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    roles: tuple[str, ...]


ENDPOINTS = [
    Endpoint("queue", "get", ("clerk",)),
    Endpoint("application", "get", ("clerk",)),
    Endpoint("lookup", "get", ("clerk",)),
    Endpoint("centres", "get", ("clerk",)),
    Endpoint("confirm", "post", ("clerk",)),
    Endpoint("confirm_scans", "post", ("clerk",)),
    Endpoint("reject", "post", ("clerk",)),
    Endpoint("request_documents", "post", ("clerk",)),
    Endpoint("block", "post", ("clerk",)),
    Endpoint("issue_code", "post", ("clerk",)),
    Endpoint("letters", "get", ("post",)),
    Endpoint("print_waiting", "post", ("post",)),
    Endpoint("mark_sent", "post", ("post",)),
    Endpoint("slots", "get", ("video",)),
    Endpoint("video_day", "get", ("video",)),
    Endpoint("publish", "post", ("video",)),
    Endpoint("decide", "post", ("video",)),
    Endpoint("codes", "get", ("consul",)),
    Endpoint("issue_consulate", "post", ("consul",)),
    Endpoint("support_queue", "get", ("support",)),
    Endpoint("support_thread", "get", ("support",)),
    Endpoint("support_answer", "post", ("support",)),
    Endpoint("support_status", "post", ("support",)),
    Endpoint("audit_log", "get", ()),
    Endpoint("accounts", "get", ()),
    Endpoint("applicants", "get", ()),
    Endpoint("confirmations", "get", ()),
]


def admin_name(name: str) -> str:
    """The admin URL name of ``<model>_<page>``, under the label of the app that owns the model."""
    app_of = {model._meta.model_name: model._meta.app_label for model in apps.get_models()}
    return f"admin:{app_of[name.split('_')[0]]}_{name}"


@pytest.fixture
def world(make_applicant, role_user, settings):
    """One of everything each desk works on, and the request (URL and data) for every endpoint."""
    settings.REGISTRATION_SERVICE_CENTRE_ISSUES_CODE = True
    video_operator = role_user("video", "slot-owner@staff.example.org")
    applicant = make_applicant()
    flows.open_confirmation(applicant.account, "scan_review")
    letter_owner = make_applicant()
    post_letter.METHOD.start(letter_owner.account, postcode="101000", address="Moscow, Post 1")
    caller = make_applicant()
    slot = VideoSlot.objects.create(operator=video_operator, starts_at=timezone.now() + timedelta(hours=3))
    video_call.METHOD.book(video_call.METHOD.start(caller.account), slot, request=None)
    VideoSlot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - timedelta(minutes=1))
    support_request = SupportRequest.objects.create(account=applicant.account, subject="Cannot log in")
    SupportMessage.objects.create(request=support_request, author=applicant.account, body="Help")
    letter = PostLetter.objects.get()
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d.%m.%Y")
    pk = applicant.pk

    def admin(name: str, *args) -> str:
        return reverse(admin_name(name), args=args)

    return {
        "video_operator": video_operator,
        "requests": {
            "queue": (admin("pendingapplication_changelist"), {}),
            "application": (admin("pendingapplication_change", pk), {}),
            "lookup": (admin("pendingapplication_lookup", applicant.application_number), {}),
            "centres": (admin("servicecentre_changelist"), {}),
            "confirm": (admin("pendingapplication_confirm", pk), {"originals": ["identity_document"]}),
            "confirm_scans": (admin("pendingapplication_confirm_scans", pk), {"checks": ["scans_match"]}),
            "reject": (admin("pendingapplication_reject", pk), {"reject-reason": "Blurred"}),
            "request_documents": (admin("pendingapplication_request_documents", pk), {"message": "Page 2"}),
            "block": (admin("pendingapplication_block", pk), {"block-reason": "Fraud suspected"}),
            "issue_code": (admin("pendingapplication_issue_code", pk), {}),
            "letters": (admin("postletter_changelist"), {}),
            "print_waiting": (admin("postletter_print_waiting"), {}),
            "mark_sent": (
                admin("postletter_changelist"),
                {"action": "mark_selected_sent", "_selected_action": [letter.pk], "index": 0},
            ),
            "slots": (admin("videoslot_changelist"), {}),
            "video_day": (admin("videoslot_day"), {}),
            "publish": (
                admin("videoslot_publish"),
                {"day": tomorrow, "first": "10:00", "last": "11:00", "length": 20, "meeting_link": ""},
            ),
            "decide": (
                admin("videoslot_decide", slot.pk),
                {f"slot{slot.pk}-decision": "reject", f"slot{slot.pk}-reason": "No passport shown"},
            ),
            "codes": (admin("identitycode_changelist"), {}),
            "issue_consulate": (
                admin("identitycode_issue_consulate"),
                {"passport_number": "AB1234567", "passport_checked": "on"},
            ),
            "support_queue": (admin("supportrequest_changelist"), {}),
            "support_thread": (admin("supportrequest_change", support_request.pk), {}),
            "support_answer": (
                admin("supportrequest_answer", support_request.pk),
                {"body": "Reset", "status": "waiting"},
            ),
            "support_status": (admin("supportrequest_status", support_request.pk), {"status": "resolved"}),
            "audit_log": (admin("auditevent_changelist"), {}),
            "accounts": (admin("account_changelist"), {}),
            "applicants": (admin("applicant_changelist"), {}),
            "confirmations": (admin("identityconfirmation_changelist"), {}),
        },
    }


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_role_can_do_exactly_its_actions(client, world, role_user, role, endpoint):
    """Each role's own endpoints answer (200 or a redirect); every other endpoint answers 403."""
    user = world["video_operator"] if role == "video" else role_user(role)
    client.force_login(user)
    url, data = world["requests"][endpoint.name]
    response = client.post(url, data) if endpoint.method == "post" else client.get(url)
    if role in endpoint.roles:
        assert response.status_code in (200, 302), (role, endpoint.name, response.status_code)
        if response.status_code == 302:
            assert "/login/" not in response["Location"]
    else:
        assert response.status_code == 403, (role, endpoint.name, response.status_code)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_superuser_can_reach_everything(client, world, endpoint):
    """Superusers see all of the workspace."""
    from registration.accounts.models import Account

    client.force_login(Account.objects.create_superuser("root@staff.example.org", "pw"))
    url, data = world["requests"][endpoint.name]
    response = client.post(url, data) if endpoint.method == "post" else client.get(url)
    assert response.status_code in (200, 302), (endpoint.name, response.status_code)


@pytest.mark.parametrize(
    ("role", "models"),
    [
        ("clerk", {"pendingapplication", "servicecentre"}),
        ("post", {"postletter"}),
        ("video", {"videoslot"}),
        ("consul", {"identitycode"}),
        ("support", {"supportrequest"}),
    ],
)
def test_admin_index_lists_only_the_roles_desks(client, role_user, role, models):
    """The workspace's home shows each role only its own desks."""
    client.force_login(role_user(role))
    response = client.get(reverse("admin:index"))
    listed = {model["object_name"].lower() for app in response.context["app_list"] for model in app["models"]}
    assert listed == models


SUPPORT_ACTIONS = {
    "add_supportrequest",
    "verify_caller",
    "lift_login_lockout",
    "resend_contact_code",
    "send_password_reset",
    "add_support_note",
}


def test_groups_hold_exactly_their_permissions(db):
    """The migration gives each group its permission set and nothing more."""
    expected = {
        "Service-centre clerks": {
            "view_pendingapplication",
            "view_scan",
            "confirm_identity",
            "reject_identity",
            "request_documents",
            "block_account",
            "issue_identity_code",
            "view_servicecentre",
            "review_profile_change",
        },
        "Post operators": {"print_post_letters", "view_postletter"},
        "Video operators": {
            "conduct_video_calls",
            "view_scan",
            "view_videoslot",
            "add_videoslot",
            "change_videoslot",
            "delete_videoslot",
        },
        "Consular officers": {"issue_consulate_code"},
        "Support operators": {"answer_support", "view_supportrequest", *SUPPORT_ACTIONS},
        "Support supervisors": {
            "answer_support",
            "view_supportrequest",
            *SUPPORT_ACTIONS,
            "view_callerverificationalert",
            "change_callerverificationalert",
        },
    }
    for name, codenames in expected.items():
        group = Group.objects.get(name=name)
        assert set(group.permissions.values_list("codename", flat=True)) == codenames


def test_staff_without_a_role_sees_nothing(client, clerk):
    """A staff account in no group gets 403 on every desk."""
    client.force_login(clerk)
    for name in ("pendingapplication", "postletter", "videoslot", "identitycode", "supportrequest", "auditevent"):
        assert client.get(reverse(admin_name(f"{name}_changelist"))).status_code == 403


def test_person_cannot_enter_the_workspace(client, make_applicant):
    """An applicant's account (not staff) is sent to the admin log-in page."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    response = client.get(reverse("admin:identity_pendingapplication_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("name", ["confirm", "reject", "block", "request_documents"])
def test_actions_refuse_get(client, world, role_user, name):
    """Every action answers POST only (405 for GET), so a link or an image cannot trigger it."""
    client.force_login(role_user("clerk"))
    url, _data = world["requests"][name]
    assert client.get(url).status_code == 405


def test_actions_need_the_csrf_token(world, role_user):
    """Without the CSRF token an action is refused and changes nothing."""
    from django.test import Client

    from registration.accounts.models import Account

    client = Client(enforce_csrf_checks=True)
    client.force_login(role_user("clerk"))
    url, data = world["requests"]["block"]
    assert client.post(url, data).status_code == 403
    assert not Account.objects.filter(status="blocked").exists()
