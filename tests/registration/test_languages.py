"""The person's language and dates: DD.MM.YYYY in every language, shown and typed; the language chosen
remembered on the account and applied at log-in. Part of ``pytest -m i18n`` with ``tests/test_i18n.py``.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation

pytestmark = pytest.mark.i18n

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


# ----------------------------------------------------------------------------------------------
# Dates: DD.MM.YYYY in both languages, shown and typed.


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_dates_show_as_day_month_year(language):
    """Dates and date-times render as DD.MM.YYYY (and HH:MM) whatever the language."""
    moment = dt.datetime(2024, 3, 5, 14, 30)
    with translation.override(language):
        assert formats.date_format(moment.date()) == "05.03.2024"
        assert formats.date_format(moment.date(), "SHORT_DATE_FORMAT") == "05.03.2024"
        assert formats.date_format(moment, "DATETIME_FORMAT") == "05.03.2024 14:30"
        assert (
            Template("{{ day|date }} {{ day|date:'SHORT_DATE_FORMAT' }}").render(Context({"day": moment.date()}))
            == "05.03.2024 05.03.2024"
        )
        assert formats.localize_input(moment.date()) == "05.03.2024"


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_date_fields_accept_day_month_year_only(language):
    """A date field takes 05.03.2024 and refuses the American order."""

    class DateForm(forms.Form):
        day = forms.DateField()

    with translation.override(language):
        form = DateForm({"day": "05.03.2024"})
        assert form.is_valid()
        assert form.cleaned_data["day"] == dt.date(2024, 3, 5)
        # Django always adds the unambiguous ISO order as a fallback; the US order is refused.
        for typed in ("03/05/2024", "5 March 2024"):
            form = DateForm({"day": typed})
            assert not form.is_valid()
            assert form.errors.as_data()["day"][0].code == "invalid"


# ----------------------------------------------------------------------------------------------
# The person's language: remembered when switched, applied at log-in.

PASSWORD = "Correct-Horse-42"


def _switch(client, language: str):
    return client.post("/i18n/setlang/", {"language": language, "next": "/account/"})


def test_switching_language_is_remembered_on_the_account(client, make_account):
    """A logged-in person who switches to English has English stored on their account."""
    account = make_account()
    client.force_login(account)
    response = _switch(client, "en")
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.preferred_language == "en"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    _switch(client, "ru")
    account.refresh_from_db()
    assert account.preferred_language == "ru"


def test_unknown_language_is_not_stored(client, make_account):
    """A language the site does not offer leaves the stored preference alone."""
    account = make_account(preferred_language="en")
    client.force_login(account)
    _switch(client, "xx")
    account.refresh_from_db()
    assert account.preferred_language == "en"


def test_stored_language_applies_at_log_in(client, make_account):
    """A person who chose English on another device gets English pages after logging in here."""
    make_account("anna@example.org", PASSWORD, preferred_language="en")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.post("/account/login/", {"username": "anna@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/account/")
    assert page.status_code == 200
    assert b'<html lang="en">' in page.content
    assert page["Content-Language"] == "en"


def test_stored_language_wins_over_a_stale_cookie(client, make_account):
    """While logged in, the account's language is used even if the cookie says otherwise."""
    account = make_account(preferred_language="en")
    client.force_login(account)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    page = client.get("/account/")
    assert b'<html lang="en">' in page.content
    assert page.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_language_in_use_is_stored_at_log_in_for_someone_who_never_chose(client, make_account):
    """Logging in stores the language the person is using; later pages write nothing."""
    account = make_account("anna@example.org", PASSWORD, preferred_language="")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post("/account/login/", {"username": "anna@example.org", "password": PASSWORD})
    account.refresh_from_db()
    assert account.preferred_language == "en"


def test_pages_of_a_logged_in_person_write_nothing(client, make_account):
    """Without a switch, a logged-in person's page views leave the account row alone."""
    account = make_account(preferred_language="")
    client.force_login(account)
    client.get("/account/")
    account.refresh_from_db()
    assert account.preferred_language == ""


def test_anonymous_visitors_switch_by_cookie_only(client):
    """Before log-in the switcher sets the cookie, and Russian is the default without one."""
    assert b'<html lang="ru">' in client.get("/register/").content
    _switch(client, "en")
    assert b'<html lang="en">' in client.get("/register/").content
