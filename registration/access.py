"""Who may see or act on what: the one access policy of the site.

Every view and admin page asks this module; the permission codenames of the clerks' roles (with the
app that declares each) are written here and nowhere else. Two layers:

- ``may(user, action)``: the role alone (the admin's ``has_*_permission``; a refusal is HTTP 403);
- ``can_*(user, obj)`` and ``can(user, action, obj)``: the role, this object and its state (a refusal
  is HTTP 404 for objects the user may not see, so that their existence is not revealed; a clerk
  action refused by the object's state changes nothing and says why).

Scans (identity-document scans, scans sent on a clerk's request, scans sent with a change of identity
data) are seen by:

=====================  ========================================================================
owner                  always their own
service-centre clerk   while the person is in the queue: account pending, or an open identity
                       confirmation, or a change of identity data waiting for review
video operator         people booked on one of their own slots, from ``VIDEO_SCAN_LEAD`` before the
                       call until the confirmation is decided (or cancelled)
post, consul, support  never (support operators see the attachments of support threads instead)
superuser              all
anyone else            none (staff without a role included)
=====================  ========================================================================

Applications for services (a stay registration, a residence permit) and their scans are seen by their
owner, by the officers of the desk that decides the service (migration officers: ``view_service_queue``
plus the service's desk permission) once the application is submitted, and by superusers; the desk's
actions are re-checked against the application's status on every POST (``can_act_on_service``).

Support threads: the owner and the support roles see them; only support roles answer, and only
support operators (``answer_support``) download attachments. Letters: post operators. The
application's page in the workspace: service-centre clerks. Video slots: their own operator.
Issued documents: the PDF to its owner only; the workspace's list (never the content) to
``view_issued_documents``, revoking to ``revoke_document`` as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from registration.accounts.models import Account, AccountStatus, Document
from registration.documents.models import IssuedDocument
from registration.identity import conf
from registration.identity.models import (
    OPEN_STATES,
    DocumentRequest,
    IdentityConfirmation,
    PostLetter,
    RequestedScan,
    RequestState,
    VideoSlot,
)
from registration.profile.models import ChangeState, ProfileChangeRequest
from registration.services import flows as service_flows
from registration.services import registry as services
from registration.services.models import Attachment, ServiceApplication, Status
from registration.support.models import SupportMessage, SupportRequest

#: Each action of the workspace and the permission (``app_label.codename``) a role needs for it.
PERMISSIONS: dict[str, str] = {
    # Service-centre clerks.
    "view_queue": "identity.view_pendingapplication",
    "view_centres": "identity.view_servicecentre",
    "view_scans": "identity.view_scan",
    "confirm": "identity.confirm_identity",
    "confirm_scans": "identity.confirm_identity",
    "reject": "identity.reject_identity",
    "request_documents": "identity.request_documents",
    "block": "identity.block_account",
    "unblock": "identity.block_account",
    "issue_code": "identity.issue_identity_code",
    "review_change": "profile.review_profile_change",
    # Post operators.
    "view_letters": "identity.view_postletter",
    "print_letters": "identity.print_post_letters",
    # Video operators.
    "video_calls": "identity.conduct_video_calls",
    # Consular officers.
    "issue_consulate_code": "identity.issue_consulate_code",
    # Support operators and supervisors.
    "view_support": "support.view_supportrequest",
    "answer_support": "identity.answer_support",
    "open_support_request": "support.add_supportrequest",
    "verify_caller": "support.verify_caller",
    "lift_login_lockout": "support.lift_login_lockout",
    "resend_contact_code": "support.resend_contact_code",
    "send_password_reset": "support.send_password_reset",
    "add_support_note": "support.add_support_note",
    "view_caller_alerts": "support.view_callerverificationalert",
    "deal_with_caller_alerts": "support.change_callerverificationalert",
    # Issued documents (notices of registration, decisions): the list, and revoking one.
    "view_issued_documents": "documents.view_issueddocument",
    "revoke_document": "documents.revoke_document",
    # Finance officers: the payments read-only, and a refund.
    "view_payments": "payments.view_payment",
    "refund_payment": "payments.refund_payment",
    # Migration officers: applications for services.
    "view_service_queue": "services.view_serviceapplication",
    "decide_services": "services.decide_serviceapplication",
}

#: How long before a booked call the video operator may open the person's scans.
VIDEO_SCAN_LEAD = timedelta(minutes=30)

#: The clerk actions on an application (the buttons of its page, each re-checked on POST).
APPLICATION_ACTIONS = ("confirm", "confirm_scans", "reject", "request_documents", "block", "unblock", "issue_code")


def is_staff(user: Any) -> bool:
    """An active staff member (the workspace is theirs only)."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


def is_superuser(user: Any) -> bool:
    return bool(is_staff(user) and user.is_superuser)


def may(user: Any, action: str) -> bool:
    """The role rule alone: does the user's role include ``action``?"""
    return is_staff(user) and user.has_perm(PERMISSIONS[action])


def is_owner(user: Any, account_id: int | None) -> bool:
    return bool(user is not None and user.is_authenticated and account_id is not None and user.pk == account_id)


# --- scans --------------------------------------------------------------------------------------


def in_queue(account_id: int) -> bool:
    """Whether a service-centre clerk has work on this person: pending, or something open to decide."""
    return (
        Account.objects.filter(pk=account_id, status=AccountStatus.PENDING).exists()
        or IdentityConfirmation.objects.filter(account_id=account_id, state__in=OPEN_STATES).exists()
        or ProfileChangeRequest.objects.filter(account_id=account_id, state=ChangeState.PENDING).exists()
    )


def booked_with(user: Any, account_id: int, now: Any = None) -> bool:
    """Whether the person is booked on one of the user's slots, the call near or past, not yet decided."""
    now = now or timezone.now()
    return VideoSlot.objects.filter(
        operator_id=user.pk,
        booked_for__account_id=account_id,
        booked_for__state__in=OPEN_STATES,
        starts_at__lte=now + VIDEO_SCAN_LEAD,
    ).exists()


def can_view_scans_of(user: Any, account_id: int | None) -> bool:
    """The scan rule of the module's docstring, for every scan of one person."""
    if account_id is None:
        return False
    if is_owner(user, account_id) or is_superuser(user):
        return True
    if not may(user, "view_scans"):
        return False
    if may(user, "view_queue") and in_queue(account_id):
        return True
    return may(user, "video_calls") and booked_with(user, account_id)


def can_view_scan(user: Any, document: Document) -> bool:
    """A scan of a document of the application."""
    return can_view_scans_of(user, document.applicant.account_id)


def can_view_requested_scan(user: Any, scan: RequestedScan) -> bool:
    """A scan sent in answer to a clerk's request for further documents."""
    return can_view_scans_of(user, scan.request.account_id)


def can_view_change_scan(user: Any, change: ProfileChangeRequest) -> bool:
    """The new scan sent with a change of identity data."""
    return can_view_scans_of(user, change.account_id)


def can_upload_requested_scans(user: Any, document_request: DocumentRequest) -> bool:
    """Only the person asked, and only while the request is open."""
    return is_owner(user, document_request.account_id) and document_request.state == RequestState.OPEN


# --- support threads ----------------------------------------------------------------------------


def can_view_support_thread(user: Any, thread: SupportRequest) -> bool:
    """The person who wrote it, and the support roles."""
    return is_owner(user, thread.account_id) or is_superuser(user) or may(user, "view_support")


def can_write_as_person(user: Any, thread: SupportRequest) -> bool:
    """Writing again in one's own thread from the cabinet."""
    return is_owner(user, thread.account_id)


def can_answer_support(user: Any, thread: SupportRequest) -> bool:
    """Answering and changing the status: support roles, on threads they see."""
    return may(user, "answer_support") and can_view_support_thread(user, thread)


def can_view_support_attachment(user: Any, message: SupportMessage) -> bool:
    """A file attached to a message: support operators, on threads they see (the person has the file)."""
    return bool(message.attachment) and can_answer_support(user, message.request)


# --- letters, applications, video calls -------------------------------------------------------------


def can_view_letter(user: Any, letter: PostLetter) -> bool:
    """Post letters (address and state; never the code): post operators."""
    return may(user, "view_letters")


def can_view_application(user: Any, applicant: Any) -> bool:
    """An application's page in the workspace: service-centre clerks (any status: they also unblock)."""
    return may(user, "view_queue")


def can_see_slot(user: Any, slot: VideoSlot) -> bool:
    """A video slot and its booking: its own operator."""
    return may(user, "video_calls") and (slot.operator_id == user.pk or is_superuser(user))


def can_decide_call(user: Any, slot: VideoSlot) -> bool:
    """Deciding after a call: the slot's operator, while the booked confirmation is open."""
    return can_see_slot(user, slot) and slot.booked_for is not None and slot.booked_for.state in OPEN_STATES


def slots_visible_to(user: Any) -> Q:
    """The slots of the user's desk, as a filter (every slot for a superuser)."""
    return Q() if is_superuser(user) else Q(operator_id=user.pk)


# --- the clerk actions on an application ------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationState:
    """What the clerk actions depend on, read once per request."""

    status: str
    current: IdentityConfirmation | None
    under_review: bool  # an active account's change of identity data waits: it is decided, not confirmed

    @classmethod
    def of(cls, account: Account) -> ApplicationState:
        current = (
            IdentityConfirmation.objects.filter(account=account, state__in=OPEN_STATES)
            .select_related("centre")
            .order_by("-started_at")
            .first()
        )
        under_review = ProfileChangeRequest.objects.filter(
            account=account, state=ChangeState.PENDING, was_active=True
        ).exists()
        return cls(status=account.status, current=current, under_review=under_review)


def _state_allows(action: str, state: ApplicationState) -> bool:
    current = state.current
    if action == "confirm":
        return state.status == AccountStatus.PENDING and not state.under_review
    if action == "confirm_scans":
        return (
            state.status == AccountStatus.PENDING
            and not state.under_review
            and current is not None
            and current.method == "scan_review"
        )
    if action in ("reject", "request_documents"):
        return current is not None
    if action == "block":
        return state.status != AccountStatus.BLOCKED
    if action == "unblock":
        return state.status == AccountStatus.BLOCKED
    if action == "issue_code":
        return (
            conf.service_centre_issues_code()
            and current is not None
            and current.method == "service_centre"
            and bool(current.details.get("originals"))
        )
    raise KeyError(action)


def can(user: Any, action: str, applicant: Any, state: ApplicationState | None = None) -> bool:
    """May the user do ``action`` (one of ``APPLICATION_ACTIONS``) on this application now?"""
    if not (can_view_application(user, applicant) and may(user, action)):
        return False
    return _state_allows(action, state or ApplicationState.of(applicant.account))


def application_actions(user: Any, applicant: Any) -> dict[str, bool]:
    """Every clerk action on the application, for its page's buttons (the POSTs ask ``can`` again)."""
    state = ApplicationState.of(applicant.account)
    allowed = {action: can(user, action, applicant, state) for action in APPLICATION_ACTIONS}
    allowed["view_scans"] = can_view_scans_of(user, applicant.account_id)
    return allowed


def can_review_change(user: Any, change: ProfileChangeRequest) -> bool:
    """Accepting or rejecting a change of identity data: clerks, while it waits."""
    return may(user, "view_queue") and may(user, "review_change") and change.state == ChangeState.PENDING


# --- issued documents ---------------------------------------------------------------------------


def can_download_document(user: Any, document: IssuedDocument) -> bool:
    """An issued document's PDF: its owner only (clerks see the list, never the content)."""
    return is_owner(user, document.account_id)


def can_view_issued_documents(user: Any) -> bool:
    """The clerks' list of issued documents (number, kind, validity; never the content)."""
    return is_superuser(user) or may(user, "view_issued_documents")


def can_revoke_document(user: Any, document: IssuedDocument) -> bool:
    """Revoking a document: superusers and the role that may, while it is not revoked yet."""
    allowed = is_superuser(user) or (may(user, "view_issued_documents") and may(user, "revoke_document"))
    return allowed and document.revoked_at is None


# --- applications for services ----------------------------------------------------------------------


def may_apply_for_services(user: Any) -> bool:
    """Only a person whose identity is confirmed applies for services."""
    return service_flows.may_apply(user)


def is_service_officer(user: Any, service_code: str) -> bool:
    """An officer of the desk that decides this service (its own permission and the desk's queue)."""
    service = services.get(service_code)
    return service is not None and may(user, "view_service_queue") and may(user, service.desk)


def service_codes_of_desk(user: Any) -> list[str]:
    """The services whose applications the user's desk works on."""
    if is_superuser(user):
        return [service.code for service in services.all_services()]
    return [service.code for service in services.all_services() if is_service_officer(user, service.code)]


def can_view_service_application(user: Any, application: ServiceApplication) -> bool:
    """The owner; the service's officers once it was submitted (never a draft or one waiting for its fee)."""
    if is_owner(user, application.account_id) or is_superuser(user):
        return True
    if application.status in (Status.DRAFT, Status.AWAITING_PAYMENT):
        return False
    return is_service_officer(user, application.service)


def can_view_service_attachment(user: Any, attachment: Attachment) -> bool:
    """A scan of an application for a service: whoever may see the application."""
    return can_view_service_application(user, attachment.application)


def can_edit_service_application(user: Any, application: ServiceApplication) -> bool:
    """Changing answers and scans, and submitting: the owner, while the application is a draft or sent back."""
    return is_owner(user, application.account_id) and application.is_editable and may_apply_for_services(user)


def can_act_on_service(user: Any, action: str, application: ServiceApplication) -> bool:
    """A desk action (``take``, ``request_changes``, ``approve``, ``reject``) on the application now."""
    target = service_flows.DESK_ACTIONS[action]
    if not (is_staff(user) and can_view_service_application(user, application)):
        return False
    if not (is_superuser(user) or is_service_officer(user, application.service)):
        return False
    allowed_now = application.status == (Status.SUBMITTED if action == "take" else Status.IN_REVIEW)
    return allowed_now and service_flows.allowed(application.status, target, services.get(application.service))


def service_actions(user: Any, application: ServiceApplication) -> dict[str, bool]:
    """Every desk action on the application, for its page's buttons (the POSTs ask again)."""
    return {action: can_act_on_service(user, action, application) for action in service_flows.DESK_ACTIONS}
