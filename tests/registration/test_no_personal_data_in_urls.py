"""No personal data in URLs: opaque e-mail links, searches by POST on the clerks' desks and the caller desk."""

from __future__ import annotations

import re

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client
from django.urls import reverse

from registration.codes import contact
from registration.codes.models import OneTimeCode
from registration.onboarding import steps as S
from tests.registration.identity_fixtures import make_applicant, role_user, superuser  # noqa: F401
from tests.registration.test_at_rest_drafts import readable

EMAIL, PHONE = "anna@example.org", "+79161234567"
QUEUE = reverse("admin:identity_pendingapplication_changelist")


def test_the_email_link_says_nothing_about_the_person(wizard):
    """The e-mailed link's token holds neither the address nor the draft, in any decoding; a made-up one fails."""
    wizard.run_until(S.EMAIL_CODE)
    wizard.get(S.EMAIL_CODE)
    token = re.search(r"/register/confirm-email/([^/\s]+)/", mail.outbox[-1].body).group(1)
    owner = OneTimeCode.objects.get(purpose="email").subject
    shown = readable(token).lower()
    assert EMAIL not in shown and "anna" not in shown and owner.lower() not in shown
    assert Client().get(f"/register/confirm-email/{token}/").context["outcome"] == "link_valid"
    forged = token[:16] + "0" * (len(token) - 16)
    assert Client().get(f"/register/confirm-email/{forged}/").context["outcome"] == "link_invalid"


def test_the_email_link_stops_working_without_its_key(wizard, settings):
    """The token is bound to the server's key: with another SECRET_KEY the same link is refused."""
    wizard.run_until(S.EMAIL_CODE)
    wizard.get(S.EMAIL_CODE)
    token = re.search(r"/register/confirm-email/([^/\s]+)/", mail.outbox[-1].body).group(1)
    settings.SECRET_KEY = "another-" + "k" * 60
    assert contact.read_email_link(token).code == "link_invalid"


def test_a_queue_search_is_posted_and_the_url_carries_an_opaque_id(client, make_applicant, role_user):  # noqa: F811
    """Searching the queue by e-mail posts the term; the list's URL and its links never contain it."""
    applicant = make_applicant(EMAIL, phone=PHONE)
    client.force_login(role_user("clerk"))
    page = client.get(QUEUE).content.decode()
    assert re.search(r'<form id="changelist-search" method="post"', page)
    response = client.post(QUEUE, {"q": EMAIL, "o": "1"})
    assert response.status_code == 302
    location = response["Location"]
    assert EMAIL not in location and "anna" not in location and "o=1" in location
    listing = client.get(location).content.decode()
    assert applicant.application_number in listing
    assert all(EMAIL not in href and "anna%40" not in href for href in re.findall(r'href="([^"]*)"', listing))
    other = make_applicant("boris@example.org", phone="+79161234568")
    assert other.application_number not in listing


def test_a_search_id_from_another_session_finds_nothing(client, make_applicant, role_user):  # noqa: F811
    """A search id means the term only in the session that made it: another session learns nothing from it."""
    make_applicant(EMAIL, phone=PHONE)
    clerk = role_user("clerk")
    client.force_login(clerk)
    location = client.post(QUEUE, {"q": EMAIL})["Location"]
    assert f'value="{EMAIL}"' in client.get(location).content.decode()
    stranger = Client()
    stranger.force_login(clerk)
    assert EMAIL not in stranger.get(location).content.decode()


def test_every_desk_with_a_search_box_posts_it(client, superuser):  # noqa: F811
    """Each workspace list that has a search box sends it by POST (Django's admin would use GET)."""
    client.force_login(superuser)
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if not model_admin.search_fields or not model_admin.__module__.startswith("registration."):
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page = client.get(url).content.decode()
        assert 'id="changelist-search" method="post"' in page, url
        checked += 1
    assert checked >= 5


@pytest.fixture
def caller_desk(client, make_applicant, role_user):  # noqa: F811
    person = make_applicant(EMAIL, phone=PHONE)
    client.force_login(role_user("support"))
    return person, reverse("admin:registration_caller_search")


def test_the_caller_desk_searches_by_post_only(client, caller_desk):
    """The caller desk finds the account from a posted e-mail; the same term in the query string does nothing."""
    person, search = caller_desk
    page = client.get(search, {"term": EMAIL})
    assert page.status_code == 200 and not page.context["form"].is_bound
    assert '<form method="post">' in page.content.decode()
    response = client.post(search, {"term": EMAIL})
    assert response.status_code == 302 and EMAIL not in response["Location"]
    assert response["Location"] == reverse("admin:registration_caller", args=[person.account.pk])
