"""Faults: PostgreSQL restarted under load, an app server killed mid-wizard, the SMS gateway down."""

from __future__ import annotations

import re
import threading
import time

from scripts.journey import Browser, JourneyError, Person, register

WIZARD = "registration_wizard-current_step"


def test_postgresql_restarted_during_load(stack):
    """While PostgreSQL is down: clean 503 pages, never a 500; no half-made account; normal service after."""
    stop = threading.Event()
    lock = threading.Lock()
    counts = {"submitted": 0, "interrupted": 0}
    responses = []

    def client(index: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            browser = Browser([s.url for s in stack.servers], client_ip=f"10.2.{index}.{n % 250 + 1}", timeout=20)
            try:
                outcome = register(browser, Person.random(), stack)
                with lock:
                    counts["submitted"] += outcome.completed
            except (JourneyError, TimeoutError, OSError):
                with lock:
                    counts["interrupted"] += 1
                if any(r.status == 302 and r.location.endswith("/register/complete/") for r in browser.history):
                    with lock:
                        counts["submitted"] += 1  # sent, only the confirmation page failed to open
            with lock:
                responses.extend(browser.history)

    accounts_before = stack.sql("SELECT count(*) FROM accounts_account WHERE NOT is_staff")[0][0]
    threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(4)
    stack.stop_postgres("fast")
    down_at = time.monotonic()
    time.sleep(4)
    stack.restart_postgres()
    up_at = time.monotonic()
    time.sleep(8)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    statuses = [r.status for r in responses]
    unavailable = [r for r in responses if r.status == 503]
    assert 500 not in statuses and not [s for s in statuses if s > 503]
    assert unavailable, "no request met the outage"
    assert all("site-header" in r.text and "Traceback" not in r.text for r in unavailable)
    assert all(r.headers.get("retry-after") == "30" for r in unavailable)
    accounts = stack.sql("SELECT count(*) FROM accounts_account WHERE NOT is_staff")[0][0]
    half_made = stack.sql(
        "SELECT count(*) FROM accounts_account a WHERE NOT a.is_staff AND ("
        " NOT EXISTS (SELECT 1 FROM accounts_applicant p WHERE p.account_id = a.id) OR"
        " (SELECT count(*) FROM accounts_document d JOIN accounts_applicant p ON p.id = d.applicant_id"
        "  WHERE p.account_id = a.id) <> 2)"
    )[0][0]
    assert half_made == 0
    assert counts["submitted"] > 0 and counts["interrupted"] > 0
    assert accounts - accounts_before == counts["submitted"]  # nothing lost, nothing made twice
    # After the restart, a fresh registration goes through on both servers.
    outcome = register(Browser([s.url for s in stack.servers], client_ip="10.2.99.1"), Person.random(), stack)
    assert outcome.completed and outcome.server_errors == 0
    print(
        f"\nPostgreSQL down {up_at - down_at:.1f} s: {len(responses)} requests, {len(unavailable)} answered 503, "
        f"{counts['submitted']} registrations completed, {counts['interrupted']} interrupted, 0 server errors"
    )


def test_an_app_server_killed_mid_wizard(stack):
    """The person uploads on one server, it dies (SIGKILL), and they carry on on another."""
    doomed = stack.start_app(name="doomed")
    survivor = stack.servers[0]
    person = Person.random()
    browser = Browser([doomed.url], client_ip="10.3.0.1")
    register(browser, person, stack, stop_before="stay_document")  # the passport scan went to the doomed one
    stack.kill_app(doomed)
    assert doomed.process.poll() is not None
    browser.use([survivor.url])
    outcome = register(browser, person, stack, start_at="stay_document")
    assert outcome.completed and outcome.server_errors == 0
    rows = stack.sql(
        "SELECT d.scan FROM accounts_document d JOIN accounts_applicant a ON a.id = d.applicant_id "
        f"JOIN accounts_account c ON c.id = a.account_id WHERE c.email = '{person.email}' ORDER BY d.role"
    )
    assert len(rows) == 2 and all(scan for (scan,) in rows)


def test_sms_gateway_down_then_back(stack):
    """With the gateway down the person is told the code could not be sent; later a retry works, nothing lost."""
    person = Person.random()
    browser = Browser([s.url for s in stack.servers], client_ip="10.4.0.1")
    register(browser, person, stack, stop_before="phone_code")
    stack.sms.down = True
    try:
        page = browser.get("/register/phone_code/")
        assert page.status == 200 and "We could not send the code" in page.text
        wrong = browser.post("/register/phone_code/", {"phone_code-code": "123456", WIZARD: "phone_code"})
        assert wrong.status == 302  # Post/Redirect/Get: the refusal is shown by the step's GET
        shown = browser.get("/register/phone_code/")
        assert shown.status == 200  # no code exists yet: an error on the page, not a crash
    finally:
        stack.sms.down = False
    sent_before = len(stack.sms.messages)
    deadline = time.monotonic() + 90
    while stack.sms.code_for(person.phone, sent_before) is None and time.monotonic() < deadline:
        again = browser.post("/register/phone_code/", {"resend": "1", WIZARD: "phone_code"})
        assert again.status in (302, 429)  # sent (or asked again too soon), shown by the step's GET
        assert browser.get("/register/phone_code/").status in (200, 429)
        if stack.sms.code_for(person.phone, sent_before) is None:
            time.sleep(2)  # the page says how long to wait before another code
    assert stack.sms.code_for(person.phone, sent_before), "the retry never sent the code"
    outcome = register(browser, person, stack, start_at="phone_code")
    assert outcome.completed
    assert stack.sql(f"SELECT count(*) FROM accounts_account WHERE email = '{person.email}'") == [(1,)]
    logs = "".join(path.read_text(errors="replace") for path in stack.logs.glob("*.log"))
    assert "SMS gateway refused a message" in logs  # the outage was logged by the app servers...
    for secret in (person.phone, person.phone[2:], person.passport, person.email, *codes_sent(stack, person)):
        assert secret not in logs  # ...without the person's data


def codes_sent(stack, person) -> list[str]:
    return [code for m in stack.sms.messages if m["to"] == person.phone for code in re.findall(r"\b\d{6}\b", m["text"])]
