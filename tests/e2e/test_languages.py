"""The whole registration in each of the site's other languages, on a phone.

For Uzbek, Tajik, Kyrgyz, Kazakh and Chinese a person arrives with the browser set to the language
(no cookie: the first page follows Accept-Language), opens the language chooser, registers through
every wizard step with real scans, submits, and reaches the cabinet, the identity methods and the
service-centre receipt. Every page is screenshotted (``var/screenshots/<lang>/phone/``) and checked as
in the Russian and English journeys (axe-core WCAG 2 A/AA, ``lang``, 320 px, console); and every
character of every page's text must be covered by an installed font (no empty boxes).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache

import pytest

from tests.e2e.test_registration import (
    Person,
    confirm_email_by_code,
    fill_identity_document,
    fill_personal,
    fill_the_rest,
    make_centre,
    start_and_confirm_contacts,
)

LANGUAGES = ["uz", "tg", "ky", "kk", "zh-hans"]
# A word of each language's own alphabet on its start page: proof the page is in that language.
OWN_LETTERS = {
    "uz": "oʻ",
    "tg": "ҳ",
    "ky": "ү",
    "kk": "ә",
    "zh-hans": "注册",
}


@cache
def font_coverage() -> list[tuple[int, int]]:
    """The code point ranges some installed font covers (fontconfig's charsets)."""
    if not shutil.which("fc-list"):
        pytest.skip("fontconfig (fc-list) is not installed")
    listing = subprocess.run(["fc-list", "--format", "%{charset}\n"], capture_output=True, text=True, check=True)
    ranges = []
    for part in listing.stdout.split():
        low, _, high = part.partition("-")
        ranges.append((int(low, 16), int(high or low, 16)))
    return ranges


def missing_glyphs(text: str) -> set[str]:
    """The characters of ``text`` that no installed font can draw."""
    ranges = font_coverage()
    return {
        char for char in set(text) if not char.isspace() and not any(low <= ord(char) <= high for low, high in ranges)
    }


def check(visit, step: str) -> None:
    """The journeys' checks of every page, and no character without a font."""
    visit.check(step)
    text = visit.page.evaluate("() => document.body.innerText")
    assert not missing_glyphs(text), f"{visit.page.url}: no font for {sorted(missing_glyphs(text))}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_registration_in_each_language_on_a_phone(open_visit, make_account, scan_files, sms_code, lang):
    """A person whose browser speaks the language registers in it to the end; the account keeps it."""
    from registration.accounts.models import Applicant

    centre = make_centre()
    n = LANGUAGES.index(lang)
    person = Person(email=f"anna.{lang}@example.org", phone=f"+7916123460{n}")
    visit = open_visit(lang, "phone", chosen=False)
    page = visit.page

    # The first visit, without a cookie, comes in the browser's language.
    visit.go("/")
    assert page.get_attribute("html", "lang") == lang
    assert OWN_LETTERS[lang] in page.locator("body").inner_text()
    chooser = page.locator(".language-switcher")
    chooser.locator("summary").click()
    assert chooser.locator("button").count() == 7
    assert chooser.locator(f"button[lang='{lang}']").get_attribute("aria-current") == "true"
    check(visit, "chooser-open")
    chooser.locator("summary").click()

    start_and_confirm_contacts(visit, person, sms_code, confirm_email_by_code)
    fill_personal(visit, person)
    fill_identity_document(visit, person, scan_files)
    fill_the_rest(visit, person, scan_files)
    check(visit, "check-answers")
    assert person.passport in page.locator("main").inner_text()
    visit.submit()

    applicant = Applicant.objects.select_related("account").get(account__email=person.email)
    assert applicant.application_number in page.locator("main").inner_text()
    check(visit, "submitted")
    # The language the person registered in is kept on the account, for everything sent to them.
    assert applicant.account.preferred_language == lang

    for path, step in [
        ("/account/", "cabinet-pending"),
        ("/account/identity/", "identity-methods"),
        ("/account/identity/service_centre/", "service-centre"),
    ]:
        visit.go(path)
        check(visit, step)
    # The centre search (the demo centre's city as the person's Russian papers write it), then the result.
    page.locator("#id_q").fill("Москва")
    visit.submit("form.centre-search [type=submit]")
    check(visit, "service-centre-search")
    page.locator(f"#centre-{centre.pk}").check()
    visit.submit("main form:not(.centre-search) [type=submit]")
    visit.go("/account/identity/service-centre/receipt/")
    assert applicant.application_number in page.locator("main").inner_text()
    check(visit, "receipt")
    visit.go("/help/")
    check(visit, "help")
    # The error pages speak the language too (the browser logs the 404 itself: not the page's fault).
    assert page.goto(visit.base_url + "/no-such-page/").status == 404
    visit.console_errors[:] = [error for error in visit.console_errors if "404" not in error]
    check(visit, "not-found")


@pytest.mark.without_browser
def test_font_check_finds_a_character_without_a_font():
    """The glyph check reports a character no font has, and passes the site's scripts."""
    assert missing_glyphs("Oʻzbekcha Тоҷикӣ Кыргызча Қазақша 中文") == set()
    assert missing_glyphs("a\U000f0000b") == {"\U000f0000"}
    assert re.fullmatch(r"\S+", "".join(OWN_LETTERS.values()))
