"""The agencies' registries: the questions, the simulator, signed requests, retries, the breaker, the re-checks."""

from __future__ import annotations

import json
import urllib.request
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from registration.accounts.models import AuditEvent
from registration.onboarding import submit
from registration.registries import backends, flows
from registration.registries.models import RegistryCheck, RegistryCircuit, RegistryStanding, Standing
from registration.registries.questions import Outcome
from registration.registries.simulator import Answers, load_dataset
from tests.registration.registries_fixtures import submit_application

pytestmark = pytest.mark.django_db

ANNA = {"surname": "ERIKSSON", "given_names": "ANNA MARIA", "birth_date": "1974-08-12"}


def outcomes(applicant) -> dict[str, str]:
    return dict(RegistryCheck.objects.filter(applicant=applicant).values_list("question", "outcome"))


# --- the simulator's answers, straight from the data set ------------------------------------------------


@pytest.mark.parametrize(
    ("question", "asked", "expected"),
    [
        ("snils", {**ANNA, "snils": "11223344595"}, "match"),
        ("snils", {**ANNA, "snils": "02600238900"}, "no_match"),  # Karimov's
        ("snils", {**ANNA, "snils": "14527450800"}, "not_found"),
        ("inn", {**ANNA, "inn": "500100732259"}, "match"),
        ("inn", {**ANNA, "surname": "ERIKSON", "inn": "500100732259"}, "no_match"),
        ("identity_document", {**ANNA, "series": "", "number": "FA1234567"}, "match"),
        ("identity_document", {**ANNA, "series": "", "number": "FA7654321"}, "not_found"),
        (
            "identity_document",
            {"surname": "PETROV", "given_names": "IVAN", "birth_date": "1985-01-15", "number": "MP1234567"},
            "no_match",  # expired in 2020
        ),
        ("stay_document", {**ANNA, "series": "82", "number": "1234567"}, "match"),
        ("migration_phone", {**ANNA, "series": "", "number": "FA1234567"}, "match"),
        (
            "address",
            {"region": "77", "city": "г. Москва", "street": "ул. Тверская", "house": "1", "postcode": "125009"},
            "match",
        ),
        (
            "address",
            {"region": "77", "city": "Moscow", "street": "Tverskaya", "house": "1", "postcode": "190000"},
            "no_match",
        ),
        (
            "address",
            {"region": "77", "city": "Moscow", "street": "Nowhere", "house": "1", "postcode": "101000"},
            "not_found",
        ),
    ],
)
def test_the_simulator_answers_from_its_data_set(question, asked, expected):
    """Each question's answer follows the shared data set: the person, the number, validity, the address."""
    assert Answers(load_dataset(), today=date(2026, 12, 1)).answer(question, asked)["outcome"] == expected


def test_the_simulator_refuses_unsigned_and_forged_requests(registry_simulator):
    """Without the token or with a signature over another body the simulator answers 401 / 403."""
    body = json.dumps({**ANNA, "snils": "11223344595"}).encode()
    request = urllib.request.Request(f"{registry_simulator.url}/snils", data=body, method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=2)
    assert refused.value.code == 401
    stamp = str(int(timezone.now().timestamp()))
    forged = backends.sign("test-signing-key", stamp, b"{}")
    request = urllib.request.Request(
        f"{registry_simulator.url}/snils",
        data=body,
        method="POST",
        headers={"Authorization": "Bearer test-token", "X-Request-Time": stamp, "X-Signature": forged},
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=2)
    assert refused.value.code == 403
    assert registry_simulator.requests == []


# --- asking over HTTP --------------------------------------------------------------------------------


def test_a_signed_question_gets_the_registry_answer_and_reference(registry_simulator):
    answer = backends.ask("snils", {**ANNA, "snils": "11223344595"})
    assert answer.outcome == Outcome.MATCH
    assert answer.reference.startswith("SFR-")
    assert registry_simulator.asked("snils") == [{**ANNA, "snils": "11223344595"}]


def test_a_wrong_signing_key_is_a_final_refusal(registry_simulator, settings):
    """A 403 is not retried (it would not change) and reads "registry unavailable"."""
    settings.REGISTRATION_REGISTRY_SIGNING_KEY = "another-key"
    answer = backends.ask("snils", {**ANNA, "snils": "11223344595"})
    assert (answer.outcome, answer.detail) == (Outcome.UNAVAILABLE, "http_403")
    assert registry_simulator.hits == 1


def test_a_registry_down_is_tried_again_then_unavailable(registry_simulator, settings):
    settings.REGISTRATION_REGISTRY_RETRIES = 2
    registry_simulator.down = True
    answer = backends.ask("inn", {**ANNA, "inn": "500100732259"})
    assert (answer.outcome, answer.detail) == (Outcome.UNAVAILABLE, "http_503")
    assert registry_simulator.hits == 3


def test_a_timeout_is_unavailable(registry_simulator, settings):
    settings.REGISTRATION_REGISTRY_TIMEOUT = 0.2
    settings.REGISTRATION_REGISTRY_RETRIES = 0
    registry_simulator.delay = 1
    assert backends.ask("inn", {**ANNA, "inn": "500100732259"}).outcome == Outcome.UNAVAILABLE


def test_no_registry_configured_asks_nobody():
    assert backends.ask("snils", {**ANNA, "snils": "11223344595"}).detail == "not_configured"


def test_the_breaker_opens_after_failed_rounds_and_closes_again(registry_simulator, settings):
    """After the configured rounds without an answer the registry is not asked until the breaker's time is up."""
    settings.REGISTRATION_REGISTRY_RETRIES = 0
    settings.REGISTRATION_REGISTRY_BREAKER_FAILURES = 3
    registry_simulator.down = True
    for _ in range(3):
        backends.ask("snils", {**ANNA, "snils": "11223344595"})
    assert registry_simulator.hits == 3
    answer = backends.ask("snils", {**ANNA, "snils": "11223344595"})
    assert answer.detail == "circuit_open"
    assert registry_simulator.hits == 3  # not asked
    # Another registry is not affected.
    assert backends.ask("inn", {**ANNA, "inn": "500100732259"}).detail == "http_503"
    # The breaker is in the database (shared by every process); once its time is up the registry is asked.
    RegistryCircuit.objects.filter(pk="sfr").update(open_until=timezone.now() - timedelta(seconds=1))
    registry_simulator.down = False
    assert backends.ask("snils", {**ANNA, "snils": "11223344595"}).outcome == Outcome.MATCH
    assert RegistryCircuit.objects.get(pk="sfr").failures == 0


# --- an application's checks ---------------------------------------------------------------------------


def test_a_submitted_application_is_checked_and_the_answers_recorded(registry_simulator, submit_application):
    applicant = submit_application()
    assert outcomes(applicant) == {
        "snils": "match",
        "inn": "match",
        "identity_document": "match",
        "stay_document": "match",
        "migration_phone": "match",
        "address": "match",
    }
    assert RegistryStanding.objects.get(applicant=applicant).state == Standing.AGREES
    check = RegistryCheck.objects.get(applicant=applicant, question="snils")
    assert check.reference.startswith("SFR-") and check.answered_at is not None
    events = AuditEvent.objects.filter(account=applicant.account, action="registry.answered")
    assert events.count() == 6
    assert {e.data["question"] for e in events} >= {"snils", "address"}
    # Nothing personal in the audit data: the numbers never appear.
    assert "11223344595" not in json.dumps([e.data for e in events])


def test_the_number_on_the_migration_record_is_stored_encrypted(registry_simulator, submit_application):
    from django.db import connection

    applicant = submit_application()
    assert flows.phone_on_record(applicant) == "+79161234567"
    with connection.cursor() as cursor:
        cursor.execute("SELECT found_phone FROM registries_registrycheck WHERE question = 'migration_phone'")
        (stored,) = cursor.fetchone()
    assert "79161234567" not in stored


def test_another_number_on_the_migration_record_is_no_match(registry_simulator, submit_application):
    applicant = submit_application(2)  # gave +79160000002; the record holds +79161234567
    check = RegistryCheck.objects.get(applicant=applicant, question="migration_phone")
    assert (check.outcome, check.found_phone) == (Outcome.NO_MATCH, "+79161234567")
    # The migration record informs; it does not make the registries disagree.
    assert RegistryStanding.objects.get(applicant=applicant).state == Standing.AGREES


def test_an_unknown_snils_is_not_found_and_the_application_goes_on(registry_simulator, submit_application):
    applicant = submit_application(snils="14527450800")
    assert outcomes(applicant)["snils"] == Outcome.NOT_FOUND
    assert RegistryStanding.objects.get(applicant=applicant).state == Standing.DISAGREES
    assert applicant.account.is_pending


def test_nothing_is_asked_about_what_the_person_did_not_give(registry_simulator, submit_application):
    applicant = submit_application(snils="", inn="")
    assert "snils" not in outcomes(applicant) and "inn" not in outcomes(applicant)
    assert registry_simulator.asked("snils") == []


def test_a_registry_down_during_submission_is_rechecked_and_nothing_is_lost(
    registry_simulator, submit_application, settings
):
    """Down: recorded as unavailable with the next check's time, the person not held up; back: answered."""
    settings.REGISTRATION_REGISTRY_RETRIES = 0
    settings.REGISTRATION_REGISTRY_RECHECK_SECONDS = 60
    settings.REGISTRATION_REGISTRY_BREAKER_FAILURES = 100  # the breaker has its own test
    registry_simulator.down = True
    applicant = submit_application()
    rows = RegistryCheck.objects.filter(applicant=applicant)
    assert {row.outcome for row in rows} == {Outcome.UNAVAILABLE}
    first = rows.first()
    assert first.failures == 1
    assert timedelta(seconds=55) < first.next_check_at - timezone.now() <= timedelta(seconds=60)
    assert RegistryStanding.objects.get(applicant=applicant).state == Standing.NOT_CHECKED
    assert AuditEvent.objects.filter(account=applicant.account, action="registry.unavailable").count() == 6
    # Not due yet: the sweep queues nothing.
    assert flows.recheck_due() == 0
    # Still down when due: the wait doubles.
    assert flows.recheck_due(timezone.now() + timedelta(seconds=61)) == 1
    row = RegistryCheck.objects.get(applicant=applicant, question="snils")
    assert row.failures == 2
    assert timedelta(seconds=115) < row.next_check_at - timezone.now() <= timedelta(seconds=120)
    # Back: the next due check records every answer.
    registry_simulator.down = False
    call_command("recheck_registries", stdout=open("/dev/null", "w"))  # noqa: SIM115 (not due yet)
    assert set(outcomes(applicant).values()) == {Outcome.UNAVAILABLE}
    assert flows.recheck_due(timezone.now() + timedelta(seconds=121)) == 1
    assert set(outcomes(applicant).values()) == {Outcome.MATCH}
    assert RegistryStanding.objects.get(applicant=applicant).state == Standing.AGREES
    assert RegistryCheck.objects.get(applicant=applicant, question="snils").next_check_at is None


def test_the_wait_between_rechecks_doubles_up_to_the_longest(settings):
    settings.REGISTRATION_REGISTRY_RECHECK_SECONDS = 300
    settings.REGISTRATION_REGISTRY_RECHECK_MAX_SECONDS = 3600
    waits = [flows.recheck_delay(n).total_seconds() for n in (1, 2, 3, 4, 5, 50)]
    assert waits == [300, 600, 1200, 2400, 3600, 3600]


def test_a_settled_answer_is_never_overwritten_by_a_late_round(registry_simulator, submit_application):
    applicant = submit_application()
    row = RegistryCheck.objects.get(applicant=applicant, question="snils")
    assert not flows.record(row, backends.Answer(Outcome.UNAVAILABLE, detail="late"))
    assert RegistryCheck.objects.get(pk=row.pk).outcome == Outcome.MATCH


def test_the_standing_adds_up_the_outcomes():
    assert flows.standing_of({"snils": "match", "inn": "pending"}) == Standing.NOT_CHECKED
    assert flows.standing_of({"snils": "no_match", "inn": "unavailable"}) == Standing.DISAGREES
    assert flows.standing_of({"snils": "match", "migration_phone": "not_found"}) == Standing.AGREES


# --- the real database backend and its worker ------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_checks_go_through_the_database_queue_and_its_worker(registry_simulator, settings):
    """With the database backend the submission only queues; the worker (``db_worker``) asks and records."""
    from registration.registries.tasks import check_application
    from tests.registration.registries_fixtures import application

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    applicant = submit.submit_application(application())
    assert set(outcomes(applicant).values()) == {Outcome.PENDING}
    assert check_application.get_backend().supports_defer
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert set(outcomes(applicant).values()) == {Outcome.MATCH}
