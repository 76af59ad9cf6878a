"""The cabinet: status pages for pending, active and blocked accounts, support requests, log-in settings."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from registration.accounts import status
from registration.accounts.models import AuditEvent, LoginSecondFactor
from registration.support import flows as services
from registration.support.models import SupportMessage, SupportRequest, SupportStatus

CABINET = reverse("registration:cabinet")
NEW = reverse("registration:support_new")


def screenshot(kind: str = "PNG", size: tuple[int, int] = (400, 300)) -> bytes:
    image = Image.new("RGB", size, (240, 240, 240))
    for x in range(0, size[0], 7):
        image.putpixel((x, size[1] // 2), (0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


@pytest.fixture
def registered(wizard, client):
    """A person who has just registered through the wizard (and is logged in)."""
    wizard.run_all()
    from registration.accounts.models import Account

    return Account.objects.get()


def test_pending_page_lists_what_is_missing_and_the_identity_methods(client, registered):
    """A pending account sees the checklist and the identity-confirmation methods."""
    page = client.get(CABINET)
    html = page.content.decode()
    assert page.status_code == 200 and "status-pending" in html
    done = [item.done for item in page.context["checklist"]]
    assert done[:2] == [True, True] and done[-1] is False
    assert "cabinet/_identity_methods.html" in [t.name for t in page.templates]
    assert registered.applicant.application_number in html


def test_active_page_says_everything_is_available(client, registered):
    """An active account sees its confirmed status and no checklist."""
    status.activate(registered, by=None, method="service_centre")
    page = client.get(CABINET)
    assert "status-active" in page.content.decode()
    assert page.context["checklist"] == []


def test_blocked_person_sends_a_support_request_with_a_screenshot(client, registered):
    """A blocked account sees the reason, writes to support with a screenshot, and sees the request's status."""
    status.block(registered, by=None, reason="The passport scan is unreadable")
    page = client.get(CABINET)
    html = page.content.decode()
    assert "status-blocked" in html and "The passport scan is unreadable" in html and NEW in html
    assert client.get(NEW).context["form"].initial["topic"] == "blocked"

    upload = SimpleUploadedFile("screen.png", screenshot(), content_type="image/png")
    response = client.post(
        NEW, {"topic": "blocked", "body": "My account is blocked.\nPlease check again.", "screenshot": upload}
    )
    support = SupportRequest.objects.get()
    assert response["Location"] == reverse("registration:support_detail", args=[support.number])
    assert support.account == registered and support.subject == "My account is blocked."
    message = support.messages.get()
    assert message.body.startswith("My account is blocked.") and message.attachment
    assert not message.attachment.name.endswith("screen.png")  # random name in private storage
    assert AuditEvent.objects.filter(action="support.request_created", account=registered).exists()

    SupportMessage.objects.create(request=support, from_staff=True, body="We have unblocked the scan check.")
    SupportRequest.objects.filter(pk=support.pk).update(status=SupportStatus.WAITING)
    detail = client.get(response["Location"]).content.decode()
    assert "We have unblocked the scan check." in detail and str(SupportStatus.WAITING.label) in detail
    assert support.number in client.get(CABINET).content.decode()
    assert support.number in client.get(reverse("registration:support_list")).content.decode()

    client.post(response["Location"], {"body": "Thank you, here is more."})
    support.refresh_from_db()
    assert support.status == SupportStatus.NEW and support.messages.count() == 3


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("scan.pdf", b"%PDF-1.4\n%%EOF", "scan_type_not_allowed"),
        ("big.png", b"\x89PNG\r\n\x1a\n" + bytes(5 * 1024 * 1024), "scan_too_large"),
        ("fake.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "scan_damaged"),
    ],
)
def test_screenshot_rules(client, make_account, name, content, code):
    """Only JPEG and PNG up to 5 MB are accepted as screenshots."""
    client.force_login(make_account())
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    response = client.post(NEW, {"topic": "technical", "body": "Help", "screenshot": upload})
    assert [e.code for e in response.context["form"].errors.as_data()["screenshot"]] == [code]
    assert not SupportRequest.objects.exists()


def test_low_resolution_screenshot_is_fine(client, make_account):
    """A small 72-dpi JPEG screenshot is accepted: scans' resolution rule does not apply."""
    client.force_login(make_account())
    upload = SimpleUploadedFile("s.jpg", screenshot("JPEG", (320, 200)), content_type="image/jpeg")
    response = client.post(NEW, {"topic": "technical", "body": "Help", "screenshot": upload})
    assert response.status_code == 302


def test_support_request_needs_a_description(client, make_account):
    """An empty or blank description is refused."""
    client.force_login(make_account())
    response = client.post(NEW, {"topic": "access", "body": "   "})
    assert [e.code for e in response.context["form"].errors.as_data()["body"]] == ["required"]


def test_support_requests_are_rate_limited(client, make_account, settings):
    """Past the daily limit a new request is answered with 429."""
    settings.REGISTRATION_RATE_LIMITS = {"support_request": "2/1d"}
    client.force_login(make_account())
    for _ in range(2):
        assert client.post(NEW, {"topic": "access", "body": "Help"}).status_code == 302
    assert client.post(NEW, {"topic": "access", "body": "Help"}).status_code == 429


def test_a_person_sees_only_their_own_requests(client, make_account):
    """Another account's request number gives 404."""
    owner, other = make_account(), make_account()
    support = services.create_support_request(owner, subject="Mine", body="Mine")
    client.force_login(other)
    assert client.get(reverse("registration:support_detail", args=[support.number])).status_code == 404
    assert client.post(reverse("registration:support_detail", args=[support.number]), {"body": "x"}).status_code == 404
    assert support.number not in client.get(reverse("registration:support_list")).content.decode()


def test_cabinet_pages_need_log_in(client, db):
    """Every cabinet page sends an anonymous visitor to log in."""
    for name in ("cabinet", "security", "support_list", "support_new"):
        response = client.get(reverse(f"registration:{name}"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("registration:login"))


def test_second_factor_can_be_turned_on_and_off(client, make_account):
    """The log-in settings page switches the SMS code and records it in the audit log."""
    account = make_account()
    client.force_login(account)
    url = reverse("registration:security")
    assert client.post(url, {"enabled": "on", "password": "Correct-Horse-42"})["Location"] == url + "?saved=1"
    assert LoginSecondFactor.objects.filter(account=account).exists()
    assert client.get(CABINET).context["second_factor"]
    client.post(url, {"enabled": "off", "password": "Correct-Horse-42"})
    assert not LoginSecondFactor.objects.filter(account=account).exists()
    actions = set(AuditEvent.objects.filter(account=account).values_list("action", flat=True))
    assert {"login.second_factor_on", "login.second_factor_off"} <= actions


def test_second_factor_needs_a_phone(client, make_account):
    """An account without a phone cannot turn the SMS code on."""
    client.force_login(make_account(phone=None))
    response = client.post(reverse("registration:security"), {"enabled": "on", "password": "Correct-Horse-42"})
    assert response.status_code == 200 and response.context["form"].errors["enabled"]
    assert not LoginSecondFactor.objects.exists()


def test_cabinet_pages_stay_within_query_budgets(client, registered, django_assert_max_num_queries):
    """The status page and support pages run a bounded number of queries."""
    status.block(registered, by=None, reason="Check")
    for n in range(3):
        services.create_support_request(registered, subject=f"S{n}", body="Body")
    with django_assert_max_num_queries(9):  # the last: whether there are payments to link
        client.get(CABINET)
    with django_assert_max_num_queries(5):
        client.get(reverse("registration:support_list"))
    number = SupportRequest.objects.first().number
    with django_assert_max_num_queries(6):
        client.get(reverse("registration:support_detail", args=[number]))


def test_junk_in_support_forms_never_fails(client, make_account):
    """Huge, NUL-laden or malformed input to the support form gives a page, not a 500."""
    client.force_login(make_account())
    for body in ("x" * 100_000, "a\x00b", ""):
        assert client.post(NEW, {"topic": "nonsense", "body": body}).status_code == 200
    assert client.get(reverse("registration:support_detail", args=["x" * 500])).status_code == 404
