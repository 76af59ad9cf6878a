"""Residence permit (ВНЖ) and temporary residence permit (РВП): their own fields, asked and shown."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from registration.accounts.models import Document, DocumentKind, DocumentRole
from registration.onboarding import steps as S
from tests.registration.identity_fixtures import make_applicant, role_user

RVP = {
    "number": "№ 123/2024",
    "issue_date": "01.03.2024",
    "expiry_date": "01.03.2027",
    "issuing_authority": "ГУ МВД России по г. Москве",
}


@pytest.fixture
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def _errors(response, field):
    return [error.code for error in response.context["form"].errors.as_data().get(field, [])]


def test_rvp_step_asks_for_the_decision_not_a_card(wizard, english):
    """РВП: no series; decision number and date, validity and the authority that decided, with hints."""
    wizard.answers[S.STAY_TYPE] = {"kind": "temporary_residence"}
    wizard.run_until(S.STAY_DOCUMENT)
    page = wizard.get(S.STAY_DOCUMENT)
    form = page.context["form"]
    assert "series" not in form.fields and "holder_name" not in form.fields
    html = page.content.decode()
    words_expected = ("Decision number", "Date of the decision", "Authority that took the decision", "for 3 years")
    for words in (*words_expected, "passport page with the stamp"):
        assert words in html


def test_rvp_longer_than_three_years_is_refused_on_the_expiry(wizard):
    """A РВП is given for 3 years: a later end date is an error on that field, the rest kept."""
    wizard.answers[S.STAY_TYPE] = {"kind": "temporary_residence"}
    wizard.run_until(S.STAY_DOCUMENT)
    response = wizard.post(S.STAY_DOCUMENT, {**RVP, "expiry_date": "02.03.2027"})
    assert _errors(response, "expiry_date") == ["stay_validity_too_long"]
    assert "ГУ МВД России по г. Москве" in response.content.decode()


def test_rvp_is_stored_and_shown_as_a_decision(wizard, client, english, role_user):
    """The decision is stored as the document of stay and shown as such in the cabinet and to the clerk."""
    wizard.answers[S.STAY_TYPE] = {"kind": "temporary_residence"}
    wizard.answers[S.STAY_DOCUMENT] = RVP
    wizard.run_until(S.CHECK)
    check = wizard.get(S.CHECK).content.decode()
    assert "Authority that took the decision" in check and "123/2024" in check
    assert wizard.answer(S.CHECK).status_code == 302
    stay = Document.objects.get(role=DocumentRole.STAY)
    assert stay.kind == DocumentKind.TEMPORARY_RESIDENCE
    assert (stay.number, stay.issue_date, stay.expiry_date) == ("№ 123/2024", date(2024, 3, 1), date(2027, 3, 1))
    profile = client.get(reverse("registration:profile")).content.decode()
    assert "Number of the decision" in profile and "Date of the decision" in profile
    assert "01.03.2027" in profile and "ГУ МВД России по г. Москве" in profile

    from registration.identity import flows

    flows.open_confirmation(stay.applicant.account, "scan_review")
    client.force_login(role_user("clerk"))
    page = client.get(
        reverse("admin:identity_pendingapplication_change", args=[stay.applicant.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Authority that took the decision" in page and "Date of the decision" in page


def test_residence_permit_card_without_end_date(wizard, client, english):
    """ВНЖ: a card (series 82, number of 7 digits); no end date is allowed and shown as such."""
    wizard.run_until(S.STAY_DOCUMENT)
    html = wizard.get(S.STAY_DOCUMENT).content.decode()
    assert "Series of the card" in html and "since 1 November 2019" in html
    wizard.run_until(S.CHECK)
    assert wizard.answer(S.CHECK).status_code == 302
    profile = client.get(reverse("registration:profile")).content.decode()
    assert "82 № 1234567" in profile and "no end date" in profile


def test_residence_permit_with_a_wrong_series_is_refused(wizard):
    """A ВНЖ series has 2 digits: three are refused on the series field."""
    wizard.run_until(S.STAY_DOCUMENT)
    response = wizard.post(S.STAY_DOCUMENT, {**wizard.answers[S.STAY_DOCUMENT], "series": "821"})
    assert _errors(response, "series")


def test_rows_of_other_kinds_use_the_general_labels(make_applicant):
    """A migration card keeps its own date labels; unknown fields fall back to the general ones."""
    from registration.accounts.document_rows import number_display, rows

    applicant = make_applicant()
    card = Document(applicant=applicant, role=DocumentRole.STAY, kind=DocumentKind.MIGRATION_CARD, series="4617")
    card.number = "1234567"
    from django.utils import translation

    with translation.override("en"):
        labels = [label for label, _value in rows(card)]
    assert labels == ["Series and number", "Date of entry", "Stay until", "Issued by"]
    assert number_display(card) == "4617 № 1234567"
    card.number = ""
    assert number_display(card) == ""
