"""Services in the cabinet in a real browser, from the person's application to the officer's decision.

A confirmed person registers a stay (address, host organisation, period, three scans of their real
size on paper, consent) and a migration officer approves it in the workspace; the person downloads the
notice (its PDF text read back) and its check page says it is valid until the period's end. A
residence-permit application is paid on the payment provider's page (the simulator on loopback, whose
signed webhooks reach the live server), approved, and its decision downloaded. A declined card shows
"Payment did not go through" and paying again succeeds. A notice whose period is over is shown expired
in the cabinet and "not valid" on its check page. A change the officer asks for is made in the same
application and sent again. Every page of the site is screenshotted and checked (axe-core, 320 px,
``lang``, console); the provider's page, not the site's, is only screenshotted.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from registration.codes import sms
from registration.documents import issuing
from registration.payments.simulator import CARD_DECLINED, CARD_OK
from registration.services import flows
from registration.services.models import ServiceApplication, Status
from tests.e2e import serial_server
from tests.registration import payments_fixtures
from tests.registration.identity_fixtures import make_applicant, role_user  # noqa: F401 (fixtures)
from tests.registration.services_fixtures import STAY_UNTIL, fill_stay, officer, person  # noqa: F401 (fixtures)
from validators import dates as vdates
from validators.scans import PhysicalSize

payment_simulator = payments_fixtures.payment_simulator
live_server = serial_server.live_server  # one request at a time (see there)
PASSWORD = "Correct-Horse-42"
DESK = "/admin/services/serviceapplication/"
STATUS_WORDS = {
    "ru": {"approved": "Одобрено", "submitted": "Подано", "expired": "Срок истёк"},
    "en": {"approved": "Approved", "submitted": "Submitted", "expired": "Expired"},
}


@pytest.fixture
def provider(payment_simulator, live_server, settings):
    """The payment provider's simulator, its webhooks sent to the live server."""
    settings.REGISTRATION_PUBLIC_URL = live_server.url
    return payment_simulator


@pytest.fixture
def scans(scan_files):
    """Scans of the documents as a 300-dpi scanner makes them: a passport page (ID-3) and A4 sheets."""
    passport = PhysicalSize.ID3.pixels(300)  # 1476 × 1039
    a4_long, a4_short = PhysicalSize.A4.pixels(300)  # 3508 × 2480
    return {
        "passport": scan_files("passport-page.png", size=passport),
        "migration_card": scan_files("migration-card.jpg", size=(a4_short, a4_long)),
        "right_to_live": scan_files("rental-contract.pdf", size=(a4_short, a4_long)),
        "income": scan_files("income-statement.pdf", size=(a4_short, a4_long)),
        "medical": scan_files("medical-certificate.jpg", size=(a4_short, a4_long)),
    }


# --- steps shared by the journeys -------------------------------------------------------------------


def log_in(visit, email: str) -> None:
    visit.go("/account/login/")
    visit.page.locator("#id_username").fill(email)
    visit.page.locator("#id_password").fill(PASSWORD)
    visit.submit()


def log_in_to_workspace(visit, email: str) -> None:
    visit.go("/admin/login/")
    visit.page.locator("#id_username").fill(email)
    visit.page.locator("#id_password").fill(PASSWORD)
    visit.submit("input[type=submit]")


def application_number(visit) -> str:
    found = re.match(r"^/account/services/([^/]+)/", visit.path())
    assert found, f"not on an application's page: {visit.path()}"
    return found.group(1)


def expect_no_errors(visit) -> None:
    summary = visit.page.locator(".error-summary")
    assert not summary.count(), summary.inner_text()


def status_of(visit) -> str:
    return visit.page.locator("#application-status .status-label strong").inner_text().strip()


def download_text(visit, selector: str) -> tuple[str, str]:
    """Click a download link: the file's suggested name and the text of every page of the PDF."""
    with visit.page.expect_download() as download:
        visit.page.locator(selector).click()
    path = Path(download.value.path())
    assert path.read_bytes().startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    return download.value.suggested_filename, text


def printed_check_url(text: str) -> str:
    """The check page's address the PDF prints beside its QR code."""
    found = re.findall(r"https?://\S+/check/\S+/", text)
    assert len(found) == 1, f"the PDF prints {len(found)} check addresses"
    return found[0]


def fill_address(visit, flat: str = "15") -> None:
    page = visit.page
    page.locator("#id_region").select_option("77")
    page.locator("#id_city").fill("Москва")
    page.locator("#id_street").fill("Тверская улица")
    page.locator("#id_house").fill("7")
    page.locator("#id_flat").fill(flat)
    page.locator("#id_postcode").fill("125009")


def officer_decides(desk, number: str, *, decision: str = "approve", message: str = "") -> None:
    """The officer finds the application in the queue, takes it into review and decides."""
    page = desk.page
    desk.go(DESK)
    rows = page.locator("#result_list tbody").inner_text()
    assert number in rows
    assert "ERIKSSON A. M." in rows and "ANNA" not in rows  # the queue shortens names to initials
    desk.check("desk-queue")
    with page.expect_navigation():
        page.locator(f"#result_list a:text('{number}')").click()
    if page.locator("#action-take").count():
        desk.check("desk-application")
        desk.submit("#action-take")
    desk.check("desk-in-review")
    if decision == "approve":
        desk.submit("#action-approve")
        desk.check("desk-approved")
    else:
        page.locator("#id_changes-message").fill(message)
        desk.submit("#action-request-changes")
        desk.check("desk-changes-requested")
    assert ServiceApplication.objects.get(number=number).status == (
        Status.APPROVED if decision == "approve" else Status.CHANGES_REQUESTED
    )


def register_stay(visit, scans, *, start: datetime.date, end: datetime.date) -> str:
    """The person's side of a stay registration, from the services list to the submitted application."""
    page = visit.page
    visit.go("/account/services/")
    visit.check("services")
    visit.submit("#start-stay_registration")
    number = application_number(visit)
    assert visit.path() == f"/account/services/{number}/address/"
    fill_address(visit)
    visit.check("stay-address")
    visit.submit("#continue")
    expect_no_errors(visit)

    assert visit.path() == f"/account/services/{number}/host/"
    page.locator("input[name=kind][value=organisation]").check()
    page.locator("#id_organisation").fill("ООО «Ромашка»")
    page.locator("#id_inn").fill("7707083894")  # one digit off: the check digit does not match
    page.locator("#id_ogrn").fill("1027700132195")
    visit.submit("#continue")
    assert visit.path() == f"/account/services/{number}/host/"
    assert "error-summary" in visit.focused()["classes"]
    assert page.locator("#id_organisation").input_value() == "ООО «Ромашка»"  # nothing typed is lost
    visit.check("stay-host-wrong-inn")
    page.locator("#id_inn").fill("7707083893")
    visit.check("stay-host")
    visit.submit("#continue")
    expect_no_errors(visit)

    assert visit.path() == f"/account/services/{number}/period/"
    page.locator("#id_start").fill(vdates.format(start))
    page.locator("#id_end").fill(vdates.format(end))
    visit.check("stay-period")
    visit.submit("#continue")
    expect_no_errors(visit)

    assert visit.path() == f"/account/services/{number}/scans/"
    for code in ("passport", "migration_card", "right_to_live"):
        page.locator(f"#id_{code}").set_input_files(str(scans[code]))
    visit.check("stay-scans")
    visit.submit("#continue")
    expect_no_errors(visit)

    assert visit.path() == f"/account/services/{number}/check/"
    summary = page.locator("main").inner_text()
    assert "7707083893" in summary and "125009" in summary and vdates.format(end) in summary
    visit.check("stay-check")
    visit.submit("#submit-application")  # without the consent: asked for, nothing sent
    assert visit.path() == f"/account/services/{number}/check/"
    assert page.locator("#id_consent").get_attribute("aria-invalid") == "true"
    visit.check("stay-check-no-consent")
    page.locator("#id_consent").check()
    visit.submit("#submit-application")
    assert visit.path() == f"/account/services/{number}/"
    return number


def fill_residence_permit(visit, scans) -> str:
    """The person's side of a residence-permit application, up to its check page."""
    page = visit.page
    visit.go("/account/services/")
    visit.submit("#start-residence_permit")
    number = application_number(visit)

    assert visit.path() == f"/account/services/{number}/work/"
    page.locator("input[name=occupation][value=working]").check()
    page.locator("#id_employer").fill("ООО «Строймонтаж»")
    page.locator("#id_position").fill("Инженер")
    page.locator("#id_since").fill("01.03.2024")
    visit.check("permit-work")
    visit.submit("#continue")
    expect_no_errors(visit)

    assert visit.path() == f"/account/services/{number}/education/"
    page.locator("#id_level").select_option("higher")
    page.locator("#id_institution").fill("Tashkent State Technical University")
    page.locator("#id_year").fill("2012")
    visit.check("permit-education")
    visit.submit("#continue")
    expect_no_errors(visit)

    assert visit.path() == f"/account/services/{number}/family/"
    page.locator("#id_members").fill("1")
    visit.submit("#continue")  # the number changed: the page now has a form for the member
    assert visit.path() == f"/account/services/{number}/family/"
    expect_no_errors(visit)
    page.locator("#id_family-0-relation").select_option("spouse")
    page.locator("#id_family-0-surname").fill("KARIMOV")
    page.locator("#id_family-0-given_names").fill("RUSTAM")
    page.locator("#id_family-0-birth_date").fill("03.04.1988")
    page.locator("#id_family-0-citizenship").select_option("UZ")
    visit.check("permit-family")
    visit.submit("#continue")
    expect_no_errors(visit)

    assert visit.path() == f"/account/services/{number}/scans/"
    for code in ("passport", "migration_card", "income", "medical"):
        page.locator(f"#id_{code}").set_input_files(str(scans[code]))
    visit.check("permit-scans")
    visit.submit("#continue")
    expect_no_errors(visit)
    assert visit.path() == f"/account/services/{number}/check/"
    assert "KARIMOV" in page.locator("main").inner_text()
    visit.check("permit-check")
    return number


def answered_webhooks(provider) -> int:
    return sum(1 for delivery in provider.webhooks if delivery["status"] == 200)


def pay_on_providers_page(visit, provider, card: str, *, settled_by: str) -> None:
    """On the provider's page (not the site's: screenshotted only), type the card and press Pay.

    The provider both sends its webhook and sends the browser back; which reaches the site first is
    chosen here (``settled_by``): "webhook" holds the browser's return until the webhook is answered, so
    the return page finds the payment settled; "status" holds the webhook, so the return page's status
    query settles it and the webhook then changes nothing. (The test database, SQLite in memory, locks
    a whole table for a writer and refuses a second one at once instead of waiting as PostgreSQL's row
    locks do: the two are kept apart so that neither meets the other.)
    """
    page = visit.page
    assert page.url.startswith(provider.url) and page.locator("#card").is_visible(), page.url
    page.locator("#card").fill(card)
    visit.shot("provider-page")
    before = answered_webhooks(provider)

    def hold(route) -> None:
        assert payments_fixtures.wait_until(lambda: answered_webhooks(provider) > before), provider.webhooks
        route.continue_()

    if settled_by == "webhook":
        page.route("**/payments/*/return/", hold)
    else:
        provider.webhook_delay = 2.0
    try:
        visit.submit("button[value=pay]")
    finally:
        page.unroute("**/payments/*/return/")
        provider.webhook_delay = 0
    assert payments_fixtures.wait_until(lambda: answered_webhooks(provider) > before), provider.webhooks


# --- 1. registration at the place of stay, approved; the notice and its check page ---------------------


@pytest.mark.parametrize("lang, viewport", [("ru", "desktop"), ("en", "phone")])
def test_stay_registered_approved_and_its_notice_checked_valid(
    open_visit,
    person,  # noqa: F811 (the fixture imported above)
    officer,  # noqa: F811
    scans,
    lang,
    viewport,
):
    anna = person(f"stay.{lang}@example.org", preferred_language=lang)
    start = timezone.localdate()
    end = start + datetime.timedelta(days=89)
    visit = open_visit(lang, viewport)
    log_in(visit, anna.email)
    number = register_stay(visit, scans, start=start, end=end)
    assert status_of(visit) == STATUS_WORDS[lang]["submitted"]
    visit.check("stay-submitted")

    desk = open_visit(lang, "desktop")
    log_in_to_workspace(desk, officer.email)
    officer_decides(desk, number)

    # Told by e-mail and text message, in their language.
    told = [message.body for message in mail.outbox if anna.email in message.to]
    assert told and number in told[-1] and vdates.format(end) in told[-1]
    assert {"ru": "одобрено", "en": "approved"}[lang] in told[-1]
    assert any(number in text.text for text in sms.outbox if text.to == anna.phone)

    visit.page.reload()
    assert status_of(visit) == STATUS_WORDS[lang]["approved"]
    assert vdates.format(end) in visit.page.locator("#application-status").inner_text()
    visit.check("stay-approved")
    application = ServiceApplication.objects.select_related("document").get(number=number)
    notice = application.document
    assert notice.number.startswith("RS-") and notice.valid_until == end
    name, text = download_text(visit, "#result-document")
    assert name == f"{notice.number}.pdf"
    flat = re.sub(r"\s+", " ", text)
    assert notice.number in flat and vdates.format(end) in flat and "ООО «Ромашка»" in flat

    # The QR code's page (its address is printed under the code too), opened by anybody: valid until the
    # period's end, and nothing about the person.
    check_url = printed_check_url(text)
    assert check_url == visit.base_url + issuing.check_path(notice)
    stranger = open_visit(lang, viewport)
    stranger.go(check_url.removeprefix(stranger.base_url))
    result = stranger.page.locator("#document-check-result").inner_text()
    assert vdates.format(end) in result
    assert "notice-success" in (stranger.page.locator("#document-check-result").get_attribute("class") or "")
    content = stranger.page.content()
    assert notice.number not in content and "ERIKSSON" not in content and "Тверская" not in content
    stranger.check("stay-notice-check-valid")


# --- 2. the residence permit: paid through the provider, approved, the decision downloaded --------------


@pytest.mark.parametrize("lang, viewport", [("en", "desktop"), ("ru", "phone")])
def test_residence_permit_paid_approved_and_downloaded(
    open_visit,
    provider,
    person,  # noqa: F811
    officer,  # noqa: F811
    scans,
    lang,
    viewport,
):
    from registration.payments.models import Payment, PaymentStatus

    anna = person(f"permit.{lang}@example.org", preferred_language=lang)
    visit = open_visit(lang, viewport)
    log_in(visit, anna.email)
    number = fill_residence_permit(visit, scans)
    visit.page.locator("#id_consent").check()
    # The form's answer redirects to another origin: the page's CSP form-action must allow it.
    visit.submit("#submit-application")
    pay_on_providers_page(visit, provider, CARD_OK, settled_by="webhook")
    # Back on the site: the provider's status (its webhook, or the return page's query), not the URL, says paid.
    assert visit.path() == f"/account/services/{number}/"
    assert status_of(visit) == STATUS_WORDS[lang]["submitted"]
    visit.check("permit-paid-submitted")
    payment = Payment.objects.get(reference=number)
    assert payment.status == PaymentStatus.PAID and payment.amount_kopecks == 1_500_000

    desk = open_visit(lang, "desktop")
    log_in_to_workspace(desk, officer.email)
    officer_decides(desk, number)

    visit.page.reload()
    assert status_of(visit) == STATUS_WORDS[lang]["approved"]
    visit.check("permit-approved")
    decision = ServiceApplication.objects.select_related("document").get(number=number).document
    name, text = download_text(visit, "#result-document")
    assert name == f"{decision.number}.pdf" and decision.number.startswith("RP-")
    assert decision.number in re.sub(r"\s+", " ", text)

    visit.go("/account/documents/")
    assert decision.number in visit.page.locator("main").inner_text()
    visit.check("documents-with-decision")
    visit.go(f"/account/payments/{payment.public_id}/")
    assert payment.provider_payment_id in visit.page.locator("main").inner_text()
    visit.check("permit-fee-receipt")

    assert printed_check_url(text) == visit.base_url + issuing.check_path(decision)
    stranger = open_visit(lang, viewport)
    stranger.go(issuing.check_path(decision))
    assert "notice-success" in (stranger.page.locator("#document-check-result").get_attribute("class") or "")
    stranger.check("permit-decision-check-valid")


# --- 3. a declined card, then the fee paid again ----------------------------------------------------------


def test_declined_payment_is_said_and_paying_again_succeeds(
    open_visit,
    provider,
    person,  # noqa: F811
    client,
):
    from registration.payments.models import Payment, PaymentStatus
    from tests.registration.services_fixtures import scan_files as upload_scans

    anna = person("declined@example.org", preferred_language="en")
    # The questionnaires were filled in before (through the same pages, without a browser).
    client.force_login(anna)
    response = client.post(reverse("services:start", args=["residence_permit"]))
    number = response["Location"].split("/")[3]
    steps = {
        "work": {"occupation": "not_working"},
        "education": {"level": "none"},
        "family": {"members": "0", "family-shown": "0"},
    }
    for step, data in steps.items():
        response = client.post(reverse("services:step", args=[number, step]), {**data, "action": "continue"})
        assert step not in response["Location"], f"{step} refused"
    response = client.post(
        reverse("services:step", args=[number, "scans"]),
        {"action": "continue", **upload_scans(("passport", "migration_card", "income", "medical"))},
    )
    assert response["Location"] == reverse("services:check", args=[number])

    visit = open_visit("en", "desktop")
    log_in(visit, anna.email)
    visit.go(f"/account/services/{number}/check/")
    visit.page.locator("#id_consent").check()
    visit.submit("#submit-application")
    pay_on_providers_page(visit, provider, CARD_DECLINED, settled_by="webhook")
    assert visit.path() == f"/account/services/{number}/"
    failed = visit.page.locator("#payment-failed")
    assert failed.is_visible() and "Payment did not go through" in failed.inner_text()
    said = visit.page.locator("main").inner_text()
    assert "waiting for the payment service" not in said  # not pending: declined
    assert "State fee: 15,000.00 roubles." in said
    assert Payment.objects.get(reference=number).status == PaymentStatus.FAILED
    assert ServiceApplication.objects.get(number=number).status == Status.AWAITING_PAYMENT
    visit.check("payment-declined")

    visit.submit("#pay-fee")  # a new payment, on the provider's page again
    pay_on_providers_page(visit, provider, CARD_OK, settled_by="status")
    assert visit.path() == f"/account/services/{number}/"
    assert not visit.page.locator("#payment-failed").count()
    assert status_of(visit) == "Submitted"
    visit.check("payment-retried-submitted")
    paid = Payment.objects.filter(reference=number).order_by("pk")
    assert [p.status for p in paid] == [PaymentStatus.FAILED, PaymentStatus.PAID]
    assert len({p.idempotency_key for p in paid}) == 2


# --- 4. a notice whose period is over -------------------------------------------------------------------


def approved_stay(client, account, officer_account, *, days: int = 30) -> ServiceApplication:
    """A stay registration filled in through the pages and approved by the desk's flows."""
    client.force_login(account)
    number = fill_stay(client)
    response = client.post(reverse("services:check", args=[number]), {"consent": "on"})
    assert response.status_code == 302
    application = ServiceApplication.objects.get(number=number)
    flows.take(application, by=officer_account, version=application.version)
    flows.approve(application, by=officer_account, version=application.version)
    client.logout()
    return ServiceApplication.objects.select_related("document").get(pk=application.pk)


def test_an_expired_notice_is_not_valid_on_its_check_page(
    open_visit,
    person,  # noqa: F811
    officer,  # noqa: F811
    client,
):
    anna = person("expired@example.org", preferred_language="ru")
    application = approved_stay(client, anna, officer)
    notice = application.document
    # Ninety days later: the dates moved back, and the daily task finds the registration ended.
    shift = datetime.timedelta(days=91)
    for model_object in (notice, application):
        model_object.valid_until -= shift
    notice.valid_from -= shift
    notice.save(update_fields=["valid_from", "valid_until"])
    application.save(update_fields=["valid_until"])
    assert flows.expire() == 1

    stranger = open_visit("ru", "phone")
    stranger.go(issuing.check_path(notice))
    result = stranger.page.locator("#document-check-result")
    assert "notice-error" in (result.get_attribute("class") or "")
    assert result.inner_text().strip() == "Этот документ недействителен."
    assert vdates.format(notice.valid_until) not in stranger.page.content()
    stranger.check("stay-notice-check-expired")

    visit = open_visit("ru", "phone")
    log_in(visit, anna.email)
    visit.go(f"/account/services/{application.number}/")
    assert status_of(visit) == STATUS_WORDS["ru"]["expired"]
    visit.check("stay-expired")
    # The extension starts from the previous notice: the same address and host, the next period.
    visit.submit("#extend")
    assert re.match(r"^/account/services/[^/]+/check/$", visit.path()), visit.path()
    assert application.number not in visit.path()
    assert "7707083893" in visit.page.locator("main").inner_text()
    visit.check("stay-extension-check")


# --- 5. changes requested, made in the same application, and sent again -----------------------------------


def test_changes_requested_corrected_and_sent_again(
    open_visit,
    person,  # noqa: F811
    officer,  # noqa: F811
    client,
):
    anna = person("changes@example.org", preferred_language="en")
    client.force_login(anna)
    number = fill_stay(client)
    client.post(reverse("services:check", args=[number]), {"consent": "on"})
    client.logout()
    assert ServiceApplication.objects.get(number=number).status == Status.SUBMITTED

    desk = open_visit("en", "desktop")
    log_in_to_workspace(desk, officer.email)
    message = "The flat number on the rental contract is 16, not 15: correct the address."
    officer_decides(desk, number, decision="request_changes", message=message)

    visit = open_visit("en", "desktop")
    log_in(visit, anna.email)
    visit.go(f"/account/services/{number}/")
    assert message in visit.page.locator("#decision-reason").inner_text()
    visit.check("changes-requested")
    visit.page.locator("#continue-application").click()
    visit.page.wait_for_load_state("load")
    assert visit.path() == f"/account/services/{number}/check/"
    visit.page.locator("#change-address").click()
    visit.page.wait_for_load_state("load")
    assert message in visit.page.locator("#changes-requested").inner_text()
    assert visit.page.locator("#id_flat").input_value() == "15"
    visit.page.locator("#id_flat").fill("16")
    visit.check("changes-address")
    for step in ("host", "period", "scans"):
        visit.submit("#continue")
        expect_no_errors(visit)
        assert visit.path() == f"/account/services/{number}/{step}/"
    visit.submit("#continue")
    assert visit.path() == f"/account/services/{number}/check/"
    assert "16" in visit.page.locator("main").inner_text()
    visit.page.locator("#id_consent").check()
    visit.submit("#submit-application")
    assert status_of(visit) == "Submitted"
    visit.check("changes-sent-again")
    application = ServiceApplication.objects.get(number=number)
    assert application.status == Status.SUBMITTED and application.get_answers()["address"]["flat"] == ["16"]

    officer_decides(desk, number)
    notice = ServiceApplication.objects.select_related("document").get(number=number).document
    assert issuing.content_of(notice)["address"].endswith("кв. 16")
