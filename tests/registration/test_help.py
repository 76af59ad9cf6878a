"""Help page, contact channels from settings, and the site's own error pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from registration.core.help import QUESTIONS


@pytest.mark.django_db
def test_help_page_lists_every_question_with_working_links(client):
    """Each frequent question appears, and each link leads to a page that exists."""
    response = client.get(reverse("registration:help"))
    assert response.status_code == 200
    html = response.content.decode()
    for item in QUESTIONS:
        assert f'id="{item.slug}"' in html
        if item.url:
            assert client.get(item.url).status_code in (200, 302)


@pytest.mark.django_db
def test_help_is_linked_from_every_page(client):
    """The footer of every page links to the help page."""
    assert reverse("registration:help") in client.get(reverse("registration:start")).content.decode()
    assert reverse("registration:help") in client.get("/no-such-page/").content.decode()


@pytest.mark.django_db
def test_contact_channels_come_from_settings(client, settings):
    """Operations can change the support phone and e-mail without a release."""
    settings.REGISTRATION_SUPPORT_CONTACTS = {
        "phones": [{"number": "8 800 000-00-01", "note": "test line"}],
        "email": "help@portal.test",
    }
    html = client.get(reverse("registration:help")).content.decode()
    assert "8 800 000-00-01" in html and "help@portal.test" in html
    assert "8 800 100-70-10" not in html


@pytest.mark.django_db
def test_404_is_the_sites_page_with_support_contacts(client):
    """An unknown address gets a styled 404 with a way back and the support contacts."""
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'href="/"' in html and "8 800 100-70-10" in html


@pytest.mark.django_db
def test_csrf_failure_is_explained(make_account):
    """A form sent without its CSRF token answers 403 with the site's explanation, not Django's."""
    csrf_client = Client(enforce_csrf_checks=True)
    response = csrf_client.post(reverse("registration:login"), {"username": "a@example.org", "password": "x"})
    assert response.status_code == 403
    assert "site-header" in response.content.decode()


@pytest.mark.django_db
def test_error_pages_follow_the_language(client):
    """Error pages are rendered in the person's language."""
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert 'lang="en"' in client.get("/no-such-page/").content.decode()


@pytest.mark.django_db
def test_footer_names_the_number_free_in_russia_and_the_one_from_abroad(client, settings):
    """The 8 800 line is free only inside Russia, so every page also gives the international number."""
    settings.REGISTRATION_SUPPORT_PHONE = "8 800 000-00-02"
    settings.REGISTRATION_SUPPORT_PHONE_INTERNATIONAL = "+7 495 000-00-03"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("registration:help")).content.decode()
    footer = html[html.index('class="site-footer"') :]
    assert 'href="tel:88000000002"' in footer and "free of charge within Russia" in footer
    assert 'href="tel:+74950000003"' in footer and "from abroad" in footer


@pytest.mark.django_db
def test_international_number_can_be_switched_off(client, settings):
    """An empty international number is not shown anywhere."""
    settings.REGISTRATION_SUPPORT_PHONE_INTERNATIONAL = ""
    html = client.get(reverse("registration:help")).content.decode()
    assert "+7 495" not in html and "8 800 100-70-10" in html


@pytest.mark.django_db
def test_every_page_links_a_favicon_that_exists(client):
    """The layout links an icon the static files hold, and /favicon.ico leads to it (no 404 per page)."""
    from django.contrib.staticfiles import finders

    html = client.get(reverse("registration:help")).content.decode()
    assert 'rel="icon"' in html and "favicon.svg" in html and "favicon.ico" in html
    assert finders.find("favicon.ico") and finders.find("favicon.svg")
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.ico")
