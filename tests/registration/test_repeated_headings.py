"""No page says a heading twice: an h1 or h2 is not repeated by a legend, heading, caption or field label."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from registration.identity import registry
from registration.onboarding import steps as S
from tests.registration.identity_fixtures import make_applicant

WATCHED = ("h1", "h2", "h3", "legend", "caption", "label")


class _Headings(HTMLParser):
    """Collects the text of headings, legends, captions and labels inside <main>."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []
        self._open: list[tuple[str, list[str]]] = []
        self._in_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "main":
            self._in_main = True
        if self._in_main and tag in WATCHED:
            if tag == "h1":
                # A legend that wraps the h1 is the heading itself, not a repeat of it.
                self._open = [("wrapper", parts) if name == "legend" else (name, parts) for name, parts in self._open]
            self._open.append((tag, []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self._in_main = False
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag or (tag == "legend" and self._open[index][0] == "wrapper"):
                name, parts = self._open.pop(index)
                text = " ".join("".join(parts).split())
                self.found.append((name, text))
                break

    def handle_data(self, data: str) -> None:
        for _name, parts in self._open:
            parts.append(data)


def repeated_headings(html: str) -> list[str]:
    """The elements whose text repeats a heading of the page (a legend that wraps the h1 is the same element)."""
    parser = _Headings()
    parser.feed(html)
    found = [(index, name, text.casefold()) for index, (name, text) in enumerate(parser.found) if name != "wrapper"]
    repeats = []
    for index, name, text in found:
        if name in ("h1", "h2"):
            repeats += [f"{other}: {parser.found[i][1]}" for i, other, same in found if i != index and same == text]
    return repeats


def test_the_checker_finds_a_repeat():
    """The checker itself: a label that repeats the h1 is reported, a legend wrapping the h1 is not."""
    assert repeated_headings("<main><h1>Password</h1><label>Password</label></main>") == ["label: Password"]
    assert repeated_headings('<main><legend><h1>Kind</h1></legend><label for="x">Other</label></main>') == []


@pytest.mark.parametrize("language", ["ru", "en"])
def test_no_wizard_step_repeats_its_heading(wizard, settings, language):
    """Every step of the wizard, in both languages, has one heading said once."""
    wizard.client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for step in S.STEPS:
        page = wizard.get(step.name)
        assert page.status_code == 200, step.name
        assert repeated_headings(page.content.decode()) == [], step.name
        if step.name != S.CHECK:
            assert wizard.answer(step.name).status_code == 302, step.name


@pytest.mark.parametrize("language", ["ru", "en"])
def test_no_cabinet_page_repeats_its_heading(client, settings, make_applicant, language):
    """The status page, each identity method's page, the profile and help say their heading once."""
    applicant = make_applicant()
    client.force_login(applicant.account)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    urls = [reverse("registration:cabinet"), reverse("registration:profile"), reverse("registration:help")]
    urls += [reverse("registration:identity_method", args=[m.code]) for m in registry.offered_methods()]
    for url in urls:
        page = client.get(url)
        assert page.status_code == 200, url
        assert repeated_headings(page.content.decode()) == [], url


@pytest.mark.parametrize("language", ["ru", "en"])
def test_post_letter_page_with_letters_names_its_table_once(client, settings, make_applicant, language):
    """The letters table is labelled by its h2, not by a hidden caption that says it again."""
    from registration.identity.models import PostLetter

    applicant = make_applicant()
    client.force_login(applicant.account)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    method = registry.get("post_letter")
    method.start(applicant.account, postcode="101000", address="Tverskaya 1, Moscow")
    assert PostLetter.objects.exists()
    page = client.get(reverse("registration:identity_method", args=["post_letter"])).content.decode()
    assert 'aria-labelledby="letters-title"' in page
    assert repeated_headings(page) == []


def test_support_tables_are_named_by_their_heading_once(client, settings, make_applicant):
    """The support list and status page label the requests table by the heading, without a second caption."""
    from registration.support.flows import create_support_request

    applicant = make_applicant()
    create_support_request(applicant.account, subject="Cannot upload", body="The page stops.")
    client.force_login(applicant.account)
    for url in (reverse("registration:support_list"), reverse("registration:cabinet")):
        page = client.get(url).content.decode()
        assert 'aria-labelledby="support-requests-title"' in page and 'id="support-requests-title"' in page
        assert repeated_headings(page) == [], url
