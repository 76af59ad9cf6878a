"""The address step checks the postcode against the region and names both, in the page's language."""

from __future__ import annotations

import pytest

from registration.onboarding import steps as S


def _errors(response, field):
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


@pytest.mark.parametrize(
    ("language", "words"),
    [("ru", "Индекс 690000 относится к региону «Приморский край», а не «Москва»"), ("en", "is in Primorsky Krai")],
)
def test_vladivostok_postcode_for_moscow_is_refused_on_the_postcode(wizard, settings, language, words):
    """690000 with region 77: an error on the postcode field naming both regions; the typed address is kept."""
    wizard.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    wizard.run_until(S.ADDRESS)
    response = wizard.post(S.ADDRESS, {**wizard.answers[S.ADDRESS], "postcode": "690000"})
    assert response.status_code == 200
    assert _errors(response, "postcode") == ["postcode_region_mismatch"]
    html = response.content.decode()
    assert words in html
    assert 'value="Tverskaya"' in html and 'value="690000"' in html


def test_matching_postcode_and_region_pass(wizard):
    """Vladivostok's postcode with Primorsky Krai goes on to the next step."""
    wizard.run_until(S.ADDRESS)
    response = wizard.post(S.ADDRESS, {**wizard.answers[S.ADDRESS], "region": "25", "postcode": "690000"})
    assert response.status_code == 302


def test_profile_address_change_checks_the_postcode_too(client, make_account):
    """The cabinet's address change uses the same rule (it is the same form)."""
    from registration.cabinet.profile.forms import AddressChangeForm

    data = {"region": "77", "city": "Moscow", "street": "Tverskaya", "house": "1", "flat": "", "postcode": "690000"}
    form = AddressChangeForm(data=data)
    assert not form.is_valid()
    assert [e.code for e in form.errors.as_data()["postcode"]] == ["postcode_region_mismatch"]
