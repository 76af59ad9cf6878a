"""The INN "Check": the server checks the format and check digits, and says the register was not asked."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from registration.onboarding import steps as S

URL = reverse("registration:check_inn")
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def test_a_valid_personal_inn_is_confirmed_with_what_was_checked(client):
    """500100732259 passes, and the answer says format and check digits, not the tax register."""
    data = client.post(URL, {"inn": " 500100732259 "}).json()
    assert data["ok"] is True and data["inn"] == "500100732259"
    assert "check digits" in data["message"] and "not been looked up" in data["message"]


@pytest.mark.parametrize(
    ("value", "code"),
    [("123456789037", "inn_checksum"), ("7707083893", "inn_company_for_person"), ("12ab", "inn_invalid_characters")],
)
def test_a_wrong_inn_gets_the_steps_own_error(client, value, code):
    """The same codes as the step's validation on submit: wrong check digits, a company's INN, letters."""
    data = client.post(URL, {"inn": value}).json()
    assert data["ok"] is False and data["code"] == code and data["message"]


def test_the_answer_is_in_the_page_language(client, settings):
    """In Russian, the answer is Russian."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    data = client.post(URL, {"inn": "500100732259"}).json()
    assert "контрольные цифры" in data["message"]


def test_empty_asks_for_the_number(client):
    """Nothing typed: a message asking for the number, not an error page."""
    data = client.post(URL, {"inn": ""}).json()
    assert data == {"ok": False, "code": "required", "message": "Type the INN to check it."}


def test_only_post_with_csrf(client):
    """A GET is refused (the number never goes in a URL); a POST without the CSRF token is refused."""
    assert client.get(URL + "?inn=500100732259").status_code == 405
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(URL, {"inn": "500100732259"}).status_code == 403


def test_the_check_is_rate_limited(client, settings):
    """Past the limit per client address the check answers 429."""
    settings.REGISTRATION_RATE_LIMITS = {"inn_check_ip": "2/10m"}
    codes = [client.post(URL, {"inn": "500100732259"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_without_scripts_the_check_page_says_what_was_checked(wizard):
    """Without the button, the check on submit applies, and the check page says what it verified."""
    wizard.answers[S.IDENTIFIERS] = {"snils": "", "inn": "500100732259"}
    wizard.run_until(S.IDENTIFIERS)
    page = wizard.get(S.IDENTIFIERS).content.decode()
    assert 'class="inn-check"' in page and "js/inn-check.js" in page and "not looked up in the tax register" in page
    response = wizard.post(S.IDENTIFIERS, {"snils": "", "inn": "123456789037"})
    assert [e.code for e in response.context["form"].errors.as_data()["inn"]] == ["inn_checksum"]
    wizard.run_until(S.CHECK)
    check = wizard.get(S.CHECK).content.decode()
    assert "500100732259 (The format and the check digits are right." in check
