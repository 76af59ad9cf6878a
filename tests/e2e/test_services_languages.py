"""The services in the cabinet in Uzbek, Tajik, Kyrgyz, Kazakh and Chinese, on a phone.

A confirmed person whose browser speaks the language (no cookie) opens every page of the services: the
list, each step of a stay registration (a wrong INN's error shown once), its check page and the submitted
application; the approved application with its notice, the documents list and the notice's public check
page (valid, then revoked: not valid); each step of a residence-permit application and the "Payment did
not go through" state; the payments list and a receipt; "Your data", its download and the closing pages.
The answers are posted through the test client where a browser adds nothing, but every page is opened in
Chromium and checked: ``lang``, axe-core, 320 px, console, every character covered by a font, no catalogue
text left in English or Russian where the language has its own, dates as DD.MM.YYYY and the fee written
as the language writes numbers. The notice's PDF is rendered in every language too, and its title read
back in the language and in Russian, glyph for glyph.
"""

from __future__ import annotations

import datetime
import io
import re
from functools import cache
from pathlib import Path

import polib
import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from registration.documents import issuing, pdf
from registration.documents.models import DocumentKind
from registration.payments import flows as payment_flows
from registration.payments.models import Payment, PaymentStatus
from registration.services import flows
from registration.services.models import ServiceApplication, Status
from tests.e2e import serial_server
from tests.e2e.test_languages import LANGUAGES, missing_glyphs
from tests.registration.documents_fixtures import issue_document  # noqa: F401 (fixture)
from tests.registration.identity_fixtures import make_applicant, role_user  # noqa: F401 (fixtures)
from tests.registration.services_fixtures import (  # noqa: F401 (fixtures)
    FAKE_BACKEND,
    officer,
    person,
    stay_answers,
)
from tests.registration.services_fixtures import scan_files as upload_scans
from tests.registration.test_services_residence import ANSWERS as PERMIT_ANSWERS
from validators import dates as vdates

live_server = serial_server.live_server  # one request at a time (see there)
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Correct-Horse-42"
NBSP = "\N{NO-BREAK SPACE}"
#: The residence permit's state fee (15 000 roubles) as each language writes numbers (CLDR's patterns).
FEE = {
    "uz": f"15{NBSP}000,00",
    "tg": f"15{NBSP}000,00",
    "ky": f"15{NBSP}000,00",
    "kk": f"15{NBSP}000,00",
    "zh-hans": "15,000.00",
}
#: What the person typed, and the region list's names as Russian papers write them: Russian on purpose.
TYPED = ("ООО «Ромашка»", "Тверская улица", "Москва", "Инженер", "Tashkent State University")
#: Catalogue texts shorter than this many letters are not looked for (a word like "Да" is everywhere).
SHORTEST = 4
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{[^}]*\}\}|<[^>]+>|\{\w*\}")
#: Anything written as a date (a phone number's "100-70-10" is not): only DD.MM.YYYY may be among them.
DATE_LIKE = re.compile(r"\b(?:\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{4}[-./]\d{1,2}[-./]\d{1,2})\b|\d{4}年\d{1,2}月")


# --- the untranslated-text check -------------------------------------------------------------------------


def _catalogue(language: str, library: bool) -> polib.POFile:
    folder = ROOT / ("validators/locale" if library else "locale") / translation.to_locale(language) / "LC_MESSAGES"
    return polib.pofile(str(folder / "django.po"))


def _fragments(text: str) -> list[str]:
    """A message's literal runs between placeholders and markup, the ones long enough to look for."""
    return [
        part.strip(" .,:;!?()«»\"'—-\n") for part in PLACEHOLDER.split(text) if len(re.findall(r"\w", part)) >= SHORTEST
    ]


@cache
def foreign_texts(language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The English and Russian texts of the catalogues that ``language`` translates differently.

    A text the language's own translation contains (a document's Russian name in brackets, "SMS", "INN")
    is meant to stay and is not listed.
    """
    english: set[str] = set()
    russian: set[str] = set()
    for library in (False, True):
        own = {entry.msgid: entry for entry in _catalogue(language, library) if entry.msgstr and not entry.fuzzy}
        ru = {entry.msgid: entry.msgstr for entry in _catalogue("ru", library) if entry.msgstr}
        for msgid, entry in own.items():
            mine = entry.msgstr
            english.update(part for part in _fragments(msgid) if part and part not in mine)
            russian.update(part for part in _fragments(ru.get(msgid, "")) if part and part not in mine)
    return tuple(sorted(english)), tuple(sorted(russian))


def untranslated(language: str, text: str) -> list[str]:
    """Catalogue texts left in English or in Russian on a page's ``text`` (as whole words)."""
    for typed in TYPED:
        text = text.replace(typed, " ")
    text = re.sub(r"[\w.-]+\.(?:png|jpe?g|pdf)\b", " ", text)  # the uploaded files' names
    # A Russian term in brackets after the language's own one is the glossary's rule: it stays.
    outside_brackets = re.sub(r"[(（][^()（）]*[)）]", " ", text)
    english, russian = foreign_texts(language)
    found = []
    for candidates, haystack in ((english, text), (russian, outside_brackets)):
        for candidate in candidates:
            if candidate in haystack and re.search(rf"(?<!\w){re.escape(candidate)}(?!\w)", haystack):
                found.append(candidate)
    return found


# --- the checks of every page -----------------------------------------------------------------------------

#: The page's title and text, without the long lists of countries and regions (names, not the catalogue's).
PAGE_TEXT_JS = """() => {
  let text = document.title + '\\n' + document.body.innerText;
  for (const select of document.querySelectorAll('select')) {
    if (select.options.length > 40) for (const option of select.options) text = text.replace(option.text, ' ');
  }
  return text;
}"""


def check(visit, step: str, *, dates: tuple[datetime.date, ...] = (), fee: bool = False) -> str:
    """The journeys' checks, and the language's own: fonts, no foreign catalogue text, dates, the fee."""
    visit.check(step)
    text = visit.page.evaluate(PAGE_TEXT_JS)
    assert not missing_glyphs(text), f"{visit.page.url}: no font for {sorted(missing_glyphs(text))}"
    left = untranslated(visit.lang, text)
    assert not left, f"{visit.page.url} ({visit.lang}) still says in English or Russian: {left}"
    for found in DATE_LIKE.findall(text):
        assert re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", found), f"{visit.page.url}: a date written {found!r}"
    for day in dates:
        assert vdates.format(day) in text, f"{visit.page.url}: {vdates.format(day)} is not shown"
    if fee:
        assert FEE[visit.lang] in text, f"{visit.page.url}: the fee is not written {FEE[visit.lang]!r}"
    assert not re.search(r"15000[.,]00|15\.000", text), f"{visit.page.url}: an amount written as the language does not"
    return text


def log_in(visit, email: str) -> None:
    visit.go("/account/login/")
    visit.page.locator("#id_username").fill(email)
    visit.page.locator("#id_password").fill(PASSWORD)
    visit.submit()


def post_steps(client, number: str, answers: dict[str, dict[str, str]]) -> None:
    for step, data in answers.items():
        response = client.post(reverse("services:step", args=[number, step]), {**data, "action": "continue"})
        assert response.status_code == 302 and step not in response["Location"], f"{step} refused"


def start(client, code: str) -> str:
    response = client.post(reverse("services:start", args=[code]))
    assert response.status_code == 302
    return response["Location"].split("/")[3]


# --- the journey, once per language ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_services_in_each_language_on_a_phone(
    open_visit,
    client,
    settings,
    person,  # noqa: F811 (the fixture imported above)
    officer,  # noqa: F811
    lang,
):
    settings.REGISTRATION_PAYMENT_BACKEND = FAKE_BACKEND
    anna = person(f"services.{lang}@example.org", preferred_language=lang)
    client.force_login(anna)
    visit = open_visit(lang, "phone", chosen=False)
    page = visit.page
    log_in(visit, anna.email)

    # 1. The stay registration: every step in the browser, a wrong INN's error once.
    visit.go("/account/services/")
    check(visit, "services", fee=True)
    visit.submit("#start-stay_registration")
    number = visit.path().split("/")[3]
    answers = stay_answers(days=90)
    start_day = timezone.localdate()
    end_day = start_day + datetime.timedelta(days=89)
    page.locator("#id_region").select_option("77")
    for name in ("city", "street", "house", "flat", "postcode"):
        page.locator(f"#id_{name}").fill(answers["address"][name])
    check(visit, "stay-address")
    visit.submit("#continue")
    assert visit.path() == f"/account/services/{number}/host/"
    page.locator("input[name=kind][value=organisation]").check()
    page.locator("#id_organisation").fill("ООО «Ромашка»")
    page.locator("#id_inn").fill("7707083894")  # the check digit does not match
    page.locator("#id_ogrn").fill("1027700132195")
    visit.submit("#continue")
    assert visit.path() == f"/account/services/{number}/host/"
    assert page.locator(".error-summary").count() == 1
    assert page.locator("#id_inn").get_attribute("aria-invalid") == "true"
    check(visit, "stay-host-wrong-inn")
    page.locator("#id_inn").fill("7707083893")
    visit.submit("#continue")
    assert visit.path() == f"/account/services/{number}/period/"
    page.locator("#id_start").fill(vdates.format(start_day))
    page.locator("#id_end").fill(vdates.format(end_day))
    check(visit, "stay-period")
    visit.submit("#continue")
    assert visit.path() == f"/account/services/{number}/scans/"
    response = client.post(
        reverse("services:step", args=[number, "scans"]),
        {"action": "continue", **upload_scans(("passport", "migration_card", "right_to_live"))},
    )
    assert response["Location"] == reverse("services:check", args=[number]), "scans refused"
    visit.page.reload()
    # Each kept scan's field still names its document (three fields labelled alike say nothing).
    labels = {
        page.locator(f"label[for=id_{code}]").inner_text() for code in ("passport", "migration_card", "right_to_live")
    }
    assert len(labels) == 3, labels
    check(visit, "stay-scans")
    visit.go(f"/account/services/{number}/check/")
    check(visit, "stay-check", dates=(start_day, end_day))
    page.locator("#id_consent").check()
    visit.submit("#submit-application")
    assert visit.path() == f"/account/services/{number}/"
    check(visit, "stay-submitted")

    # 2. Approved: the notice, the documents list, its check page valid and then revoked.
    application = ServiceApplication.objects.get(number=number)
    flows.take(application, by=officer, version=application.version)
    flows.approve(application, by=officer, version=application.version)
    notice = ServiceApplication.objects.select_related("document").get(number=number).document
    assert notice.language == lang
    visit.page.reload()
    check(visit, "stay-approved", dates=(end_day,))
    visit.go("/account/documents/")
    assert notice.number in page.locator("main").inner_text()
    check(visit, "documents", dates=(end_day,))
    stranger = open_visit(lang, "phone", chosen=False)
    stranger.go(issuing.check_path(notice))
    assert "notice-success" in (stranger.page.locator("#document-check-result").get_attribute("class") or "")
    check(stranger, "notice-check-valid", dates=(end_day,))
    issuing.revoke(notice, by=officer, reason="Issued in error")
    stranger.page.reload()
    assert "notice-error" in (stranger.page.locator("#document-check-result").get_attribute("class") or "")
    check(stranger, "notice-check-not-valid")

    # 3. The residence permit: every step, then a payment that did not go through, then paid.
    number = start(client, "residence_permit")
    post_steps(client, number, PERMIT_ANSWERS)
    response = client.post(
        reverse("services:step", args=[number, "scans"]),
        {"action": "continue", **upload_scans(("passport", "migration_card", "income", "medical"))},
    )
    assert response["Location"] == reverse("services:check", args=[number]), "scans refused"
    for step in ("work", "education", "family", "scans"):
        visit.go(f"/account/services/{number}/{step}/")
        check(visit, f"permit-{step}")
    visit.go(f"/account/services/{number}/check/")
    check(visit, "permit-check", fee=True)
    # Sent with the consent (to the in-memory provider, which has no page to open): it declines the card.
    response = client.post(reverse("services:check", args=[number]), {"consent": "on"})
    assert response["Location"].startswith("https://pay.example.org/")
    assert payment_flows.set_status(Payment.objects.get(reference=number), PaymentStatus.FAILED, via="webhook")
    visit.go(f"/account/services/{number}/")
    assert page.locator("#payment-failed").is_visible()
    assert page.locator("#pay-fee").is_visible()
    check(visit, "permit-payment-failed", fee=True)
    assert client.post(reverse("services:pay", args=[number])).status_code == 302
    paid = Payment.objects.filter(reference=number).latest("pk")
    assert payment_flows.set_status(paid, PaymentStatus.PAID, via="webhook")
    assert ServiceApplication.objects.get(number=number).status == Status.SUBMITTED
    visit.go(f"/account/services/{number}/")
    check(visit, "permit-paid-submitted")
    visit.go("/account/payments/")
    check(visit, "payments", fee=True, dates=(timezone.localdate(),))
    visit.go(f"/account/payments/{paid.public_id}/")
    check(visit, "payment-receipt", fee=True, dates=(timezone.localdate(),))

    # 4. The person's data: the overview, the download's page, the closing page.
    for path, step in [
        ("/account/data/", "your-data"),
        ("/account/data/download/", "data-download"),
        ("/account/data/close/", "account-close"),
    ]:
        visit.go(path)
        check(visit, step)


# --- the notice's PDF in each language ---------------------------------------------------------------------


@pytest.mark.without_browser
@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_notice_pdf_has_its_title_in_the_language_and_russian(issue_document, lang):  # noqa: F811
    """The title comes back from the PDF's text exactly, and its fonts draw every letter of it.

    reportlab sets a letter its font lacks as the font's empty box (.notdef) and still maps it back to
    the letter in the text layer: so the fonts' own character maps are asked as well.
    """
    from reportlab.pdfbase import pdfmetrics

    from registration.documents.fonts import BOLD, CJK, split_by_script

    notice = issue_document(DocumentKind.STAY_NOTICE, language=lang)
    reader = PdfReader(io.BytesIO(pdf.render_pdf(notice, check_url="https://example.org/check/x/")))
    flat = " ".join(reader.pages[0].extract_text().split())
    with translation.override(lang):
        own = str(DocumentKind.STAY_NOTICE.label)
    with translation.override("ru"):
        russian = str(DocumentKind.STAY_NOTICE.label)
    assert own != russian, f"the notice's title is not translated into {lang}"
    assert own in flat and russian in flat, flat[:300]
    for run, is_cjk in split_by_script(own + " " + russian):
        face = pdfmetrics.getFont(CJK if is_cjk else BOLD).face
        lacking = sorted({char for char in run if not char.isspace() and ord(char) not in face.charToGlyph})
        assert not lacking, f"the PDF's font has no glyph for {lacking}"


@pytest.mark.without_browser
@pytest.mark.parametrize("lang", LANGUAGES)
def test_amounts_are_written_as_the_language_writes_numbers(lang):
    """Roubles in the language's own separators (CLDR): 15 000,00, and 15,000.00 in Chinese."""
    from registration.payments.money import roubles
    from registration.services.base import fee_roubles

    with translation.override(lang):
        assert fee_roubles(1_500_000) == FEE[lang]
        assert roubles(1_500_050) == FEE[lang][:-2] + "50" + NBSP + "₽"


@pytest.mark.without_browser
def test_the_untranslated_text_check_finds_english_and_russian_and_lets_bracketed_terms_stay():
    """English or Russian catalogue text is found; the glossary's Russian terms in brackets and typed data stay."""
    assert "Payment did not go through" in untranslated("uz", "To'lov: Payment did not go through.")
    assert "Платёж не прошёл" in untranslated("kk", "Төлем: Платёж не прошёл.")
    assert untranslated("kk", "Тұруға ықтиярхат (вид на жительство) · ООО «Ромашка», Москва") == []
    assert untranslated("zh-hans", "永久居留证（вид на жительство）") == []
