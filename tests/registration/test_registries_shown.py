"""What the registries said, shown: statements to the person, a table beside the typed data, a queue filter."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from registration.registries.models import RegistryStanding
from tests.registration.identity_fixtures import make_applicant, role_user
from tests.registration.registries_fixtures import submit_application

QUEUE = reverse("admin:identity_pendingapplication_changelist")
pytestmark = pytest.mark.django_db


def test_the_person_reads_plain_statements(client, registry_simulator, submit_application):
    applicant = submit_application(snils="14527450800")  # a SNILS the Social Fund does not know
    client.force_login(applicant.account)
    page = client.get(reverse("registration:cabinet"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="registry-checks"' in page
    assert "INN confirmed by the Federal Tax Service." in page
    assert "The Social Fund of Russia does not know this SNILS. You can go on without it" in page
    assert "Moscow time" in page  # when each answer came
    assert "14527450800" not in page


def test_the_person_reads_them_in_russian(client, registry_simulator, submit_application):
    applicant = submit_application(language="ru")
    client.force_login(applicant.account)
    with translation.override("ru"):
        page = client.get(reverse("registration:cabinet"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "СНИЛС подтверждён Социальным фондом России." in page


def test_a_registry_down_reads_as_waiting(client, registry_simulator, submit_application, settings):
    settings.REGISTRATION_REGISTRY_RETRIES = 0
    registry_simulator.down = True
    applicant = submit_application()
    client.force_login(applicant.account)
    page = client.get(reverse("registration:cabinet"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The SNILS has not been checked with the Social Fund of Russia yet: this happens by itself." in page


def test_the_clerk_sees_outcomes_beside_the_typed_data(client, registry_simulator, submit_application, role_user):
    applicant = submit_application(snils="02600238900")  # Karimov's SNILS typed by Eriksson
    client.force_login(role_user("clerk"))
    url = reverse("admin:identity_pendingapplication_change", args=[applicant.pk])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    table = page.split('id="registry-checks"', 1)[1].split("</section>", 1)[0]
    assert "Social Fund of Russia (SFR)" in table
    assert "no match" in table and "match" in table
    assert "SFR-" in table and "GAR-" in table  # the registries' references


def test_the_queue_filters_by_what_the_registries_said(
    client, registry_simulator, submit_application, make_applicant, role_user, settings
):
    agrees = submit_application(1)
    disagrees = submit_application(2, snils="14527450800")
    settings.REGISTRATION_REGISTRY_RETRIES = 0
    registry_simulator.down = True
    waiting = submit_application(3)
    before_checks = make_applicant("old@example.org")  # submitted before the checks: no standing row
    client.force_login(role_user("clerk"))

    def listed(value: str) -> set[str]:
        page = client.get(QUEUE, {"registries": value}).content.decode()
        numbers = {a.application_number for a in (agrees, disagrees, waiting, before_checks)}
        return {number for number in numbers if number in page}

    assert listed("disagrees") == {disagrees.application_number}
    assert listed("agrees") == {agrees.application_number}
    assert listed("not_checked") == {waiting.application_number, before_checks.application_number}
    assert client.get(QUEUE, {"registries": "nonsense"}).status_code == 200
    assert not RegistryStanding.objects.filter(applicant=before_checks).exists()


def test_the_filter_costs_no_query_per_row(client, make_applicant, role_user):
    """The filter joins one indexed column: the page's queries do not grow with its rows."""
    client.force_login(role_user("clerk"))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(QUEUE, {"registries": "not_checked"}).status_code == 200
        return len(captured)

    make_applicant("one@example.org")
    few = queries()
    for n in range(5):
        make_applicant(f"more{n}@example.org")
    assert queries() == few
