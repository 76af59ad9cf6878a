"""The INN "Check" on the identifiers step: the tax service asked when the step is sent, a notice, never a refusal."""

from __future__ import annotations

import pytest

from registration.onboarding import steps as S
from registration.registries.inn import check_inn

pytestmark = pytest.mark.django_db


def send_identifiers(wizard, inn: str) -> str:
    wizard.run_until(S.IDENTIFIERS)
    response = wizard.post(S.IDENTIFIERS, {"snils": "", "inn": inn}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302  # the step is saved whatever the tax service says
    return wizard.client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_persons_own_inn_is_confirmed(wizard, registry_simulator):
    page = send_identifiers(wizard, "500100732259")
    assert "notice-success" in page
    assert "The Federal Tax Service confirms that this INN is yours." in page
    (asked,) = registry_simulator.asked("inn")
    assert asked == {
        "inn": "500100732259",
        "surname": "ERIKSSON",
        "given_names": "ANNA MARIA",
        "birth_date": "1974-08-12",
    }


def test_an_unknown_inn_is_a_warning_and_the_person_goes_on(wizard, registry_simulator):
    page = send_identifiers(wizard, "771234567859")
    assert "notice-warning" in page
    assert "The Federal Tax Service does not know this INN." in page


def test_a_tax_service_that_is_down_never_holds_the_person_up(wizard, registry_simulator, settings):
    settings.REGISTRATION_REGISTRY_RETRIES = 5  # not used: a person waiting gets one try
    registry_simulator.down = True
    page = send_identifiers(wizard, "500100732259")
    assert "The Federal Tax Service cannot be asked right now." in page
    assert registry_simulator.hits == 1


def test_without_a_registry_configured_nothing_is_asked_or_said(wizard):
    page = send_identifiers(wizard, "500100732259")
    assert "Federal Tax Service" not in page


def test_a_temporary_code_for_someone_without_an_inn(registry_simulator):
    """Jamshid Karimov of the data set has no INN; the tax service gave him a temporary code."""
    from datetime import date

    result = check_inn("", surname="Karimov", given_names="Jamshid", birth_date=date(1990, 3, 25))
    assert result.temporary_code == "77-000123456"
    nobody = check_inn("", surname="Eriksson", given_names="Anna Maria", birth_date=date(1974, 8, 12))
    assert nobody.temporary_code == ""


def test_the_check_button_asks_the_tax_service_for_this_person(wizard, registry_simulator):
    """With scripts, "Check the INN" asks the tax service with the draft's name and birth date."""
    from django.urls import reverse

    wizard.run_until(S.IDENTIFIERS)
    url = reverse("registration:check_inn")
    answer = wizard.client.post(url, {"inn": "500100732259"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert answer["ok"] and answer["registry"] == "match"
    assert answer["message"] == "The Federal Tax Service confirms that this INN is yours."
    (asked,) = registry_simulator.asked("inn")
    assert asked["surname"] == "ERIKSSON" and asked["birth_date"] == "1974-08-12"
    unknown = wizard.client.post(url, {"inn": "771234567859"}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert unknown["registry"] == "not_found" and "does not know" in unknown["message"]


def test_the_check_button_without_a_draft_checks_the_digits_only(client, registry_simulator):
    """No answered personal step (or no registry): the format and check digits only; nobody is asked."""
    from django.urls import reverse

    answer = client.post(reverse("registration:check_inn"), {"inn": "500100732259"}).json()
    assert answer["ok"] and "registry" not in answer
    assert registry_simulator.asked("inn") == []
