"""The registries down while people register, then back: the checks wait, are asked again on schedule, nothing lost.

The whole production path: gunicorn app servers queue the checks in PostgreSQL on submission, a separate
``db_worker`` process asks the registry simulator over signed HTTP, records "registry unavailable" with
the next check's time, and asks again when it is due (a deferred task), until every answer is in.
"""

from __future__ import annotations

import time

import pytest

from scripts.journey import Browser, Person, register
from tests.production.conftest import new_stack


@pytest.fixture(scope="module")
def registry_stack(binaries):
    stack = new_stack(
        pg_port=54409,
        redis_port=6409,
        extra_env={"REGISTRY_RECHECK_SECONDS": "2", "REGISTRY_RETRIES": "0"},
    )
    try:
        stack.start(app_servers=1)
        yield stack
    finally:
        stack.stop()


def checks_of(stack, email: str) -> list[tuple[str, str, int, str]]:
    return stack.sql(
        "SELECT c.question, c.outcome, c.failures, c.reference FROM registries_registrycheck c "
        "JOIN accounts_applicant a ON a.id = c.applicant_id JOIN accounts_account u ON u.id = a.account_id "
        f"WHERE u.email = '{email}' ORDER BY c.question"
    )


def wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)


def show(title: str, rows) -> None:
    print(f"\n{title}")
    print(f"  {'question':<18} {'outcome':<12} {'failed rounds':>13}  reference")
    for question, outcome, failures, reference in rows:
        print(f"  {question:<18} {outcome:<12} {failures:>13}  {reference or '—'}")


def test_registries_down_during_submission_then_back(registry_stack):
    stack = registry_stack
    person = Person.random()
    browser = Browser([s.url for s in stack.servers], client_ip="10.9.0.1")
    stack.registries.down = True
    started = time.monotonic()
    outcome = register(browser, person, stack)
    assert outcome.completed, "a registry that is down never stops a person registering"
    print(f"\nRegistered with every registry down in {time.monotonic() - started:.1f} s.")
    wait_until(lambda: {row[1] for row in checks_of(stack, person.email)} == {"unavailable"})
    down = checks_of(stack, person.email)
    show("Registries down: the worker recorded", down)
    assert len(down) == 4 and all(failures >= 1 for _, _, failures, _ in down)
    assert stack.sql(
        f"SELECT s.state FROM registries_registrystanding s JOIN accounts_applicant a ON a.id = s.applicant_id "
        f"JOIN accounts_account u ON u.id = a.account_id WHERE u.email = '{person.email}'"
    ) == [("not_checked",)]
    stack.registries.down = False
    back_at = time.monotonic()
    wait_until(lambda: "unavailable" not in {row[1] for row in checks_of(stack, person.email)})
    back = checks_of(stack, person.email)
    show(f"Registries back: re-checked on schedule within {time.monotonic() - back_at:.1f} s", back)
    outcomes = {question: result for question, result, _, _ in back}
    # The journey gives no SNILS or INN (not asked); its documents' numbers are random (unknown to the
    # MVD, so no migration record either); its Moscow address is in the simulator's data set.
    assert outcomes == {
        "address": "match",
        "identity_document": "not_found",
        "migration_phone": "not_found",
        "stay_document": "not_found",
    }
    assert all(reference for _, _, _, reference in back)
    events = stack.sql(
        "SELECT e.action, count(*) FROM accounts_auditevent e JOIN accounts_account u ON u.id = e.account_id "
        f"WHERE u.email = '{person.email}' AND e.action LIKE 'registry.%%' GROUP BY e.action ORDER BY e.action"
    )
    print(f"Audit events: {events}")
    assert dict(events)["registry.answered"] == len(back)
    logs = "".join(path.read_text(errors="replace") for path in stack.logs.glob("*.log"))
    assert "gave no answer" in logs
    for secret in (person.phone, person.passport, person.email):
        assert secret not in logs
