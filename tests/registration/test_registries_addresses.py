"""The address directory on the address step: suggestions without JavaScript, postal codes of the region."""

from __future__ import annotations

import pytest

from registration.onboarding import steps as S
from registration.registries import addresses

pytestmark = pytest.mark.django_db


def test_the_directory_knows_regions_cities_streets_and_postcodes():
    assert addresses.postcode_range("77") == ("101000", "129999")
    assert addresses.postcode_fits("77", "125009") and not addresses.postcode_fits("77", "190000")
    # A region the directory knows nothing of: anything goes (the address register judges later).
    assert addresses.postcode_range("01") is None and addresses.postcode_fits("01", "385000")
    assert {"Москва", "Moscow", "Казань"} <= set(addresses.city_names())
    assert {"Тверская", "Tverskaya", "Невский проспект"} <= set(addresses.street_names())


def test_the_address_step_suggests_from_the_directory(wizard):
    wizard.run_until(S.ADDRESS)
    page = wizard.get(S.ADDRESS).content.decode()
    assert 'list="address-cities"' in page and '<datalist id="address-cities">' in page
    assert '<option value="Санкт-Петербург">' in page and '<option value="Tverskaya">' in page


def test_a_postcode_of_another_region_is_refused_on_its_field(wizard):
    wizard.run_until(S.ADDRESS)
    answers = {**wizard.answers[S.ADDRESS], "region": "77", "postcode": "190000"}
    response = wizard.post(S.ADDRESS, answers, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    form = response.context["form"]
    # Russian Post's prefixes answer first (190 is Saint Petersburg's); the directory's ranges after them.
    assert form.has_error("postcode", "postcode_region_mismatch")
    assert "Saint Petersburg" in response.content.decode()
    # What was typed is kept.
    assert 'value="Tverskaya"' in response.content.decode()


def test_a_street_the_directory_does_not_know_can_still_be_typed(wizard):
    wizard.run_until(S.ADDRESS)
    answers = {**wizard.answers[S.ADDRESS], "street": "Novaya Ulitsa 2030"}
    assert wizard.post(S.ADDRESS, answers).status_code == 302
