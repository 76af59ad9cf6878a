"""The consent box links to the terms and the consent to the processing of personal data (152-FZ)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from registration.onboarding import steps as S


def test_password_step_links_the_terms_in_a_new_tab(wizard):
    """The consent box's hint links the terms page, opened in a new tab so the wizard's page stays."""
    wizard.run_until(S.PASSWORD)
    html = wizard.get(S.PASSWORD).content.decode()
    link = re.search(r'<a href="([^"]+)" target="_blank" rel="noopener noreferrer">', html)
    assert link and link.group(1) == reverse("registration:terms")
    # The hint is tied to the checkbox, so a screen reader reads it with the box.
    assert 'aria-describedby="id_password-consent-hint"' in html


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ru", ["№ 152-ФЗ", "Какие данные", "Для чего", "Как долго", "Ваши права", "Роскомнадзор"]),
        ("en", ["No. 152-FZ", "Which data", "For which purpose", "For how long", "Your rights", "Roskomnadzor"]),
    ],
)
def test_terms_page_says_what_data_why_how_long_and_the_rights(client, settings, language, words):
    """The page names the law, the data, the purposes, the storage period and the person's rights."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("registration:terms"))
    assert response.status_code == 200
    html = response.content.decode()
    for word in words:
        assert word in html
    assert "support@example.org" in html  # where to withdraw consent


def test_opening_the_terms_keeps_the_draft(wizard):
    """Reading the terms between two steps loses nothing: the password step still has its answers."""
    wizard.run_until(S.PASSWORD)
    assert wizard.client.get(reverse("registration:terms")).status_code == 200
    page = wizard.get(S.ADDRESS).content.decode()
    assert 'value="Tverskaya"' in page
