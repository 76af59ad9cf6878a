"""The clerks' queue in a real browser at 1280×800 and 1024: its columns, a search by the whole passport
number across statuses and centres, and a scan turned and zoomed on the application's page."""

from __future__ import annotations

import hashlib

import pytest
from django.utils import translation

from registration.accounts import status
from registration.accounts.models import AccountStatus
from registration.identity import flows
from registration.identity.models import ServiceCentre
from tests.registration.identity_fixtures import make_applicant, role_user  # noqa: F401 (fixtures)

PASSWORD = "Correct-Horse-42"
QUEUE = "/admin/identity/pendingapplication/"
COLUMNS = ("application_number", "name", "account_status", "method_label", "centre_label", "submitted_at")


def _log_in(visit, email: str) -> None:
    visit.go("/admin/login/")
    visit.page.locator("#id_username").fill(email)
    visit.page.locator("#id_password").fill(PASSWORD)
    visit.submit("input[type=submit]")


def _columns_fit(visit, width: int) -> None:
    """Each of the queue's main columns is inside the window: nothing to scroll sideways for."""
    visit.page.set_viewport_size({"width": width, "height": 800})
    for column in COLUMNS:
        box = visit.page.locator(f"#result_list th.column-{column}").bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (width, column, box)
    overflow = visit.page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the queue scrolls sideways by {overflow}px at {width}px"
    if width != 1280:
        visit.shot(f"queue-at-{width}px")
    visit.page.set_viewport_size({"width": 1280, "height": 800})


def _search(visit, term: str) -> None:
    visit.page.locator("#searchbar").fill(term)
    visit.submit("#changelist-search input[type=submit]")


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_clerk_finds_a_person_by_the_whole_passport_number_and_turns_the_scan(
    open_visit,
    make_applicant,  # noqa: F811 (the fixture imported above)
    role_user,  # noqa: F811
    lang,
):
    north = ServiceCentre.objects.create(name="North", region="77", city="Moscow", address="Tverskaya 1")
    south = ServiceCentre.objects.create(name="South", region="77", city="Moscow", address="Arbat 2")
    at_north = make_applicant(surname="NORTHOVA", surname_cyrillic="НОРТОВА")
    flows.open_confirmation(at_north.account, "service_centre", centre=north)
    elsewhere = make_applicant(surname="SOUTHOVA", surname_cyrillic="САУТОВА", passport_number="FA1234567")
    flows.open_confirmation(elsewhere.account, "service_centre", centre=south)
    active = make_applicant(surname="ACTIVOVA", surname_cyrillic="АКТИВОВА", passport_number="FB7654321")
    status.activate(active.account, by=None)
    clerk = role_user("clerk")
    clerk.service_centre = north
    clerk.save(update_fields=["service_centre"])

    visit = open_visit(lang, "desktop")
    _log_in(visit, clerk.email)
    visit.go(QUEUE)
    page = visit.page
    # The clerk's centre first: the person at another centre and the active one are not on it.
    rows = page.locator("#result_list tbody").inner_text()
    assert at_north.application_number in rows and elsewhere.application_number not in rows
    heading = page.locator("#result_list th.column-name").inner_text().strip().lower()
    assert heading == {"ru": "фио", "en": "full name"}[lang]
    _columns_fit(visit, 1280)
    _columns_fit(visit, 1024)
    visit.check("queue")

    # The whole passport number of an active person, typed with a space: found, with its status said.
    _search(visit, "FB 7654321")
    assert "FB" not in visit.path() and "7654321" not in visit.path()
    row = page.locator("#result_list tbody tr")
    assert row.count() == 1
    assert active.application_number in row.inner_text()
    with translation.override(lang):
        said = str(AccountStatus.ACTIVE.label)
    assert page.locator("#result_list td.field-account_status").inner_text().strip() == said
    visit.check("queue-search-passport-active")

    # A person who chose another centre: found by search, and their scan turned and zoomed for reading.
    _search(visit, "FA1234567")
    assert page.locator("#result_list tbody tr").count() == 1
    document = elsewhere.documents.get(role="identity")
    stored = hashlib.sha256(document.scan.open("rb").read()).hexdigest()
    with page.expect_navigation():
        page.locator(f"#result_list a:text('{elsewhere.application_number}')").click()
    viewer = page.locator(".scan-viewer").first
    turn = viewer.locator("button[data-action=right]")
    assert turn.is_visible()
    turn.focus()
    page.keyboard.press("Enter")
    viewer.locator("button[data-action=in]").click()
    assert viewer.get_attribute("data-rotation") == "90"
    assert viewer.get_attribute("data-zoom") == "125"
    transform = viewer.locator(".scan-image").evaluate("image => image.style.transform")
    assert "rotate(90deg)" in transform
    assert "90" in viewer.locator(".scan-state").inner_text()
    visit.check("application-scan-turned")
    # Display only: the stored file is the one uploaded.
    document.refresh_from_db()
    assert hashlib.sha256(document.scan.open("rb").read()).hexdigest() == stored
    viewer.locator("button[data-action=reset]").click()
    assert viewer.get_attribute("data-rotation") == "0"
