"""How identifiers are shown: SNILS as on the card on the check page and the clerks' application page."""

from __future__ import annotations

from django.urls import reverse

from registration.onboarding import steps as S
from tests.registration.identity_fixtures import make_applicant, role_user


def test_check_page_shows_snils_grouped_and_inn_as_digits(wizard):
    """The check page writes SNILS as XXX-XXX-XXX YY and a personal INN as its 12 digits."""
    wizard.answers[S.IDENTIFIERS] = {"snils": "11223344595", "inn": "500100732259"}
    wizard.run_until(S.CHECK)
    html = wizard.get(S.CHECK).content.decode()
    assert "112-233-445 95" in html and "11223344595" not in html
    assert "500100732259" in html


def test_clerks_application_page_shows_snils_grouped(client, make_applicant, role_user):
    """The clerk reads SNILS in the form printed on the card, not 11 digits in a row."""
    from registration.identity import flows

    applicant = make_applicant(snils="11223344595")
    flows.open_confirmation(applicant.account, "scan_review")
    client.force_login(role_user("clerk"))
    page = client.get(reverse("admin:identity_pendingapplication_change", args=[applicant.pk])).content.decode()
    assert "112-233-445 95" in page and "11223344595" not in page


def test_snils_filter_leaves_what_is_not_a_snils():
    """The filter formats only a valid stored SNILS; empty and odd values pass through."""
    from registration.core.templatetags.registration_forms import snils

    assert snils("02600238900") == "026-002-389 00"
    assert snils("") == "" and snils(None) == ""
    assert snils("123") == "123"
