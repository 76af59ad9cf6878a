"""The public check page: "valid until …" or "not valid", and nothing about whose document it is."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from registration.documents import issuing
from tests.registration.documents_fixtures import STAY_CONTENT, issue_document  # noqa: F401

NOT_VALID = "This document is not valid."
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _english(client, settings):
    """The visitor reads English (the site's default language is Russian)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def check(client, token, **headers):
    return client.get(reverse("registration:document_check", args=[token]), **headers)


def assert_says_nothing_personal(page: str, document) -> None:
    # The period's dates may be today's or the end's, which the page shows; everything else must be absent.
    values = [value for key, value in STAY_CONTENT.items() if key not in ("citizenship", "period_from", "period_until")]
    for value in (document.number, *values, "Karimov", "Узбекистан", "Uzbekistan"):
        assert value not in page, value


def test_a_valid_notice_says_until_when_and_nothing_else(client, issue_document):  # noqa: F811
    document = issue_document(valid_from=TODAY, valid_until=TODAY + datetime.timedelta(days=89))
    response = check(client, document.check_token)
    page = response.content.decode()
    assert response.status_code == 200
    until = (TODAY + datetime.timedelta(days=89)).strftime("%d.%m.%Y")
    assert f"This notice of registration is valid until {until}." in page
    assert_says_nothing_personal(page, document)


def test_a_valid_decision_without_an_end_says_it_is_valid(client, issue_document):  # noqa: F811
    document = issue_document("residence_permit", valid_from=TODAY)
    page = check(client, document.check_token).content.decode()
    assert "This document is valid." in page and NOT_VALID not in page
    assert "LI WEI" not in page and document.number not in page


@pytest.mark.parametrize(
    "dates",
    [
        {"valid_from": TODAY - datetime.timedelta(days=91), "valid_until": TODAY - datetime.timedelta(days=1)},
        {"valid_from": TODAY + datetime.timedelta(days=1), "valid_until": TODAY + datetime.timedelta(days=90)},
    ],
    ids=["expired", "not yet valid"],
)
def test_an_expired_or_future_notice_is_not_valid(client, issue_document, dates):  # noqa: F811
    document = issue_document(**dates)
    response = check(client, document.check_token)
    page = response.content.decode()
    assert response.status_code == 200
    assert NOT_VALID in page and "valid until" not in page
    assert_says_nothing_personal(page, document)


def test_a_revoked_notice_and_an_unknown_token_say_the_same(client, issue_document, make_account):  # noqa: F811
    document = issue_document(valid_from=TODAY)
    issuing.revoke(document, by=make_account(), reason="Issued in error")
    revoked = check(client, document.check_token)
    unknown = check(client, "no-such-token-at-all")
    assert revoked.status_code == 200 and unknown.status_code == 404
    assert NOT_VALID in revoked.content.decode() and NOT_VALID in unknown.content.decode()
    strip = lambda response: response.content.decode().split('<main id="main"')[1]  # noqa: E731
    assert strip(revoked) == strip(unknown)


def test_the_page_is_not_indexed_nor_kept_beyond_a_minute(client, issue_document):  # noqa: F811
    response = check(client, issue_document().check_token)
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "max-age=60" in directives and "private" in directives


def test_the_page_needs_no_log_in_and_starts_no_session(client, issue_document, settings):  # noqa: F811
    response = check(client, issue_document(valid_from=TODAY).check_token)
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_the_page_speaks_the_visitors_language(client, issue_document, settings):  # noqa: F811
    document = issue_document(valid_from=TODAY, valid_until=TODAY + datetime.timedelta(days=10), language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = check(client, document.check_token).content.decode()
    until = (TODAY + datetime.timedelta(days=10)).strftime("%d.%m.%Y")
    assert f"Это уведомление о регистрации действительно до {until}." in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "This notice of registration is valid until" in check(client, document.check_token).content.decode()


def test_the_language_chooser_returns_to_the_check_page(client, issue_document):  # noqa: F811
    document = issue_document(valid_from=TODAY)
    path = reverse("registration:document_check", args=[document.check_token])
    response = client.post(reverse("set_language"), {"language": "ru", "next": path})
    assert response.status_code == 302 and response["Location"] == path
    assert "Проверка документа" in client.get(path).content.decode()


def test_the_page_is_rate_limited_per_address(client, issue_document, settings):  # noqa: F811
    settings.REGISTRATION_RATE_LIMITS = {"document_check_ip": "3/10m"}
    token = issue_document().check_token
    assert [check(client, token).status_code for _ in range(3)] == [200, 200, 200]
    assert check(client, token).status_code == 429
    assert check(client, "guessing-another").status_code == 429


def test_the_page_refuses_posts(client, issue_document):  # noqa: F811
    response = client.post(reverse("registration:document_check", args=[issue_document().check_token]))
    assert response.status_code == 405
