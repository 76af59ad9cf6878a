"""Attacks on requests: CSRF, other people's scans, session fixation, brute force, lockouts, CSP, error pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import OperationalError
from django.test import Client
from django.urls import path, reverse

import config.urls as config_urls
from registration.codes import sms
from registration.core import error_pages as errors
from registration.onboarding import steps as S
from tests.registration.identity_fixtures import make_applicant, role_user, superuser  # noqa: F401

PASSWORD = "Correct-Horse-42"


def test_a_post_without_csrf_token_is_refused_with_403(make_account):
    """Log-in, the wizard, the admin and log-out all refuse a POST without the CSRF token."""
    make_account("person@example.org")
    browser = Client(enforce_csrf_checks=True)
    for url, data in [
        (reverse("registration:login"), {"username": "person@example.org", "password": PASSWORD}),
        (reverse("registration:wizard_step", kwargs={"step": S.STEPS[0].name}), {}),
        ("/admin/login/", {"username": "person@example.org", "password": PASSWORD}),
        (reverse("registration:logout"), {}),
    ]:
        response = browser.post(url, data)
        assert response.status_code == 403, url
        assert b"site-header" in response.content  # our own page, not Django's bare one
    assert SESSION_KEY not in browser.session


def test_the_same_post_with_its_token_passes(make_account):
    """The 403 above is the token's doing: with the token from the form, log-in works."""
    make_account("person@example.org")
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(reverse("registration:login"))
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content).group(1).decode()
    response = browser.post(
        reverse("registration:login"),
        {"username": "person@example.org", "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302


def test_another_persons_scan_is_404(client, make_applicant):  # noqa: F811
    """A logged-in person asking for someone else's scan by id learns nothing: 404, as for no scan."""
    owner, intruder = make_applicant(), make_applicant()
    scan = reverse("registration:document_scan", kwargs={"pk": owner.documents.get().pk})
    client.force_login(intruder.account)
    assert client.get(scan).status_code == 404
    missing = reverse("registration:document_scan", kwargs={"pk": 10**9})
    assert client.get(missing).status_code == 404
    client.force_login(owner.account)
    assert client.get(scan).status_code == 200


def test_the_session_key_changes_at_log_in(client, make_account):
    """A session key planted before log-in (session fixation) is worthless afterwards."""
    make_account("person@example.org")
    client.get(reverse("registration:wizard_step", kwargs={"step": S.STEPS[0].name}))
    session = client.session
    session["planted"] = "1"
    session.save()
    before = session.session_key
    response = client.post(reverse("registration:login"), {"username": "person@example.org", "password": PASSWORD})
    assert response.status_code == 302
    after = client.cookies["sessionid"].value
    assert after != before and client.session[SESSION_KEY]
    planted = Client()
    planted.cookies["sessionid"] = before
    assert planted.get(reverse("registration:cabinet")).status_code == 302  # sent to log in


def test_code_brute_force_stops_at_the_limits(wizard, settings):
    """With resends allowed at once, wrong guesses stop after the per-code and per-phone limits (≤ 25 tries)."""
    settings.REGISTRATION_CODE_RESEND_COOLDOWN = 0
    wizard.run_until(S.PHONE_CODE)
    wizard.get(S.PHONE_CODE)
    guesses_checked, statuses = 0, set()
    for attempt in range(60):
        if attempt % 5 == 4:
            wizard.resend(S.PHONE_CODE)
        response = wizard.post(S.PHONE_CODE, {"code": "000000" if attempt % 2 else "999999"})
        statuses.add(response.status_code)
        if response.status_code == 200:
            codes = [e.code for e in response.context["form"].errors.as_data().get("code", [])]
            guesses_checked += codes == ["code_wrong"]
    assert guesses_checked <= 5 * 5
    assert max(statuses) < 500
    assert len(sms.outbox) <= 5  # send_sms_phone: 5 an hour


def test_too_many_code_checks_from_one_address_answer_429(wizard, settings):
    """Guessing codes for many drafts from one address is cut off by the per-address limit."""
    settings.REGISTRATION_RATE_LIMITS = {"verify_code_ip": "3/10m"}
    wizard.run_until(S.PHONE_CODE)
    wizard.get(S.PHONE_CODE)
    answers = [wizard.post(S.PHONE_CODE, {"code": "000000"}).status_code for _ in range(5)]
    assert answers[:3] == [200, 200, 200] and answers[3:] == [429, 429]


def test_the_admin_log_in_is_rate_limited(client, make_account):
    """django-axes covers /admin/login/: five wrong passwords lock out even the right one."""
    make_account("root@example.org", is_staff=True, is_superuser=True, phone=None)
    for _ in range(4):
        response = client.post("/admin/login/", {"username": "root@example.org", "password": "wrong"})
        assert response.status_code == 200
    assert client.post("/admin/login/", {"username": "root@example.org", "password": "wrong"}).status_code == 429
    response = client.post("/admin/login/", {"username": "root@example.org", "password": PASSWORD})
    assert response.status_code == 429 and SESSION_KEY not in client.session


def test_lockouts_use_the_forwarded_address_only_behind_a_trusted_proxy(client, make_account, settings):
    """A forged X-Forwarded-For does not dodge the lockout; behind a trusted proxy it names the client."""
    make_account("person@example.org")
    url = reverse("registration:login")

    def fail(forwarded: str, n: int) -> int:
        data = {"username": f"nobody{n}@example.org", "password": "wrong"}
        return client.post(url, data, HTTP_X_FORWARDED_FOR=forwarded).status_code

    statuses = [fail(f"10.0.0.{n}", n) for n in range(6)]
    assert statuses[-1] == 429  # the header is ignored: one address, locked after five failures
    settings.REGISTRATION_TRUSTED_PROXY_COUNT = 1
    assert fail("10.9.9.9", 99) == 200  # a different client behind the proxy is not locked out
    assert [fail("10.9.9.8", 100 + n) for n in range(5)][-1] == 429  # ...and is locked out on its own


@pytest.mark.parametrize(
    "url",
    [
        "/register/",
        "/register/type/",
        "/account/login/",
        "/help/",
        "/admin/login/",
        "/no-such-page/",
        "/healthz",
    ],
)
def test_every_page_carries_the_content_security_policy(client, db, url):
    """CSP from django-csp on pages, error pages and the admin: no inline scripts, no framing."""
    response = client.get(url, follow=True)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]


def test_pages_of_a_logged_in_person_carry_the_policy_too(client, make_applicant):  # noqa: F811
    """The cabinet, profile and a scan response all have the header."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    for url in (
        reverse("registration:cabinet"),
        reverse("registration:security"),
        reverse("registration:document_scan", kwargs={"pk": applicant.documents.get().pk}),
    ):
        assert "default-src 'self'" in client.get(url)["Content-Security-Policy"], url


def test_a_lost_database_gives_a_503_page_without_touching_it(rf):
    """The handler renders our layout in the request's language, with Retry-After (no ``db``: any query fails)."""
    from django.utils import translation

    request = rf.get("/register/personal/")
    for language in ("en", "ru"):
        with translation.override(language):
            try:
                raise OperationalError("connection refused")
            except OperationalError:
                response = errors.server_error(request)
        assert response.status_code == 503 and response["Retry-After"] == "30"
        assert f'lang="{language}"'.encode() in response.content and b"site-header" in response.content
        assert b"Traceback" not in response.content and b"connection refused" not in response.content
        assert "no-store" in response["Cache-Control"]


def test_other_errors_give_our_500_page(rf):
    """Any other exception: a 500 page in our layout with the support contacts, no details, no queries."""
    request = rf.get("/account/")
    try:
        raise ValueError("secret detail")
    except ValueError:
        response = errors.server_error(request)
    assert response.status_code == 500
    assert b"site-header" in response.content and b"secret detail" not in response.content


def broken_view(request):
    raise OperationalError("server closed the connection unexpectedly")


#: The site's URLs plus one view whose database connection is lost (for the test below).
urlpatterns = [*config_urls.urlpatterns, path("broken/", broken_view)]
handler500 = config_urls.handler500


@pytest.mark.urls(__name__)
def test_the_handler_is_installed_for_the_whole_site(db):
    """An OperationalError raised in a view, through the full middleware stack, becomes our 503."""
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 503 and b"site-header" in response.content
    assert "Content-Security-Policy" in response
