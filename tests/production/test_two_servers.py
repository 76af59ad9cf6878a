"""Two app servers without sticky sessions, and ten registrations racing for one e-mail address."""

from __future__ import annotations

import itertools
import threading

from scripts.journey import Browser, JourneyError, Person, register


def test_alternating_between_two_servers_on_every_request_completes_a_registration(stack):
    """Every request, uploads included, goes to the other gunicorn; the registration completes once."""
    browser = Browser([server.url for server in stack.servers])
    person = Person.random()
    outcome = register(browser, person, stack)
    assert outcome.completed and outcome.server_errors == 0
    servers = [response.server for response in browser.history]
    assert all(a != b for a, b in itertools.pairwise(servers))  # never the same one twice in a row
    assert stack.sql(f"SELECT count(*) FROM accounts_account WHERE email = '{person.email}'") == [(1,)]
    scans = stack.sql(
        "SELECT count(*) FROM accounts_document d JOIN accounts_applicant a ON a.id = d.applicant_id "
        f"JOIN accounts_account c ON c.id = a.account_id WHERE c.email = '{person.email}' AND d.scan <> ''"
    )
    assert scans == [(2,)]  # the passport uploaded to one server, the permit to the other
    for server in stack.servers:  # the session (in Redis and PostgreSQL) is good on both
        cabinet = browser.get("/account/", server=server.url)
        assert cabinet.status == 200 and "/account/logout/" in cabinet.text
    stored = stack.sql("SELECT number FROM accounts_document")
    assert all(number.startswith("gAAAAA") for (number,) in stored)  # encrypted at rest on PostgreSQL too
    assert person.passport not in str(stored)


def test_ten_simultaneous_registrations_with_one_email_give_one_account(stack):
    """Ten drafts with the same address submit at once: one account, nine sent back with a clear error."""
    email = Person.random().email
    browsers = []
    for n in range(10):
        browser = Browser([server.url for server in stack.servers], client_ip=f"10.1.0.{n + 1}")
        register(browser, Person.random(email=email), stack, stop_before="check")
        browser.get("/register/check/")
        browsers.append(browser)
    barrier = threading.Barrier(10)
    results: list = [None] * 10

    def submit(index: int) -> None:
        barrier.wait()
        results[index] = browsers[index].post("/register/check/", {"registration_wizard-current_step": "check"})

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(result is not None and result.status < 500 for result in results), [r and r.status for r in results]
    winners = [r for r in results if r.location.endswith("/register/complete/")]
    losers = [(b, r) for b, r in zip(browsers, results, strict=True) if r not in winners]
    assert len(winners) == 1 and len(losers) == 9
    for browser, result in losers:
        assert result.location.endswith("/register/check/")
        page = browser.get(result.location)
        assert page.status == 200 and "You already have an account" in page.text
    assert stack.sql(f"SELECT count(*) FROM accounts_account WHERE email = '{email}'") == [(1,)]
    assert stack.sql(
        "SELECT count(*) FROM accounts_account a LEFT JOIN accounts_applicant p "
        "ON p.account_id = a.id WHERE p.id IS NULL AND NOT a.is_staff"
    ) == [(0,)]


def test_the_journey_error_names_the_step(stack):
    """A refused step is reported with its name, so a failing proof says where it failed."""
    browser = Browser([stack.servers[0].url])
    person = Person.random()
    try:
        register(browser, person, stack, start_at="personal")
    except JourneyError as error:
        assert error.step == "personal"
    else:
        raise AssertionError("a draft cannot start in the middle")
