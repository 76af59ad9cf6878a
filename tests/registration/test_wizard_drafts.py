"""What the person typed survives: a refused answer (Post/Redirect/Get) and a language switch keep it."""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.sessions.models import Session

from registration.onboarding import steps as S


def field_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    if not match:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def test_a_refused_answer_redirects_to_the_step_which_shows_the_errors_once(wizard, client):
    """A failed POST answers 302 to its own step; its GET shows the values and errors; a reload only the values."""
    wizard.run_until(S.CONTACTS)
    url = wizard.url(S.CONTACTS)
    posted = client.post(url, wizard.payload(S.CONTACTS, {"email": "anna@example", "phone": "+79161234567"}))
    assert posted.status_code == 302 and posted["Location"] == url

    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="error-summary"' in html and page.context["form"].errors["email"]
    assert field_value(html, "contacts-email") == "anna@example"
    assert field_value(html, "contacts-phone") == "+79161234567"

    again = client.get(url)  # reload: the values stay, the errors were shown once
    assert 'class="error-summary"' not in again.content.decode()
    assert field_value(again.content.decode(), "contacts-email") == "anna@example"
    assert not again.context["form"].errors


def test_a_refused_answer_is_kept_encrypted_and_never_a_password(wizard, client):
    wizard.run_until(S.PASSWORD)
    page = wizard.post(S.PASSWORD, {"password1": "Secret-Horse-42", "password2": "Other-Horse-42", "consent": "on"})
    assert page.posted.status_code == 302
    assert page.context["form"].errors.as_data()["password2"][0].code == "password_mismatch"
    raw = Session.objects.get(session_key=client.session.session_key).session_data
    assert "Secret-Horse-42" not in str(client.session.load()) and "Secret-Horse-42" not in raw
    assert "anna@example.org" not in raw  # the whole draft is encrypted


def test_a_code_step_error_keeps_its_attempts_left_and_a_resend_redirects(wizard, client):
    wizard.run_until(S.PHONE_CODE)
    wizard.get(S.PHONE_CODE)
    page = wizard.post(S.PHONE_CODE, {"code": "000000" if wizard.latest_sms_code() != "000000" else "111111"})
    assert page.posted.status_code == 302
    assert page.context["form"].errors.as_data()["code"][0].params == {"left": 4}

    url = wizard.url(S.PHONE_CODE)
    resent = client.post(url, {"resend": "1"})
    assert resent.status_code == 302 and resent["Location"] == url
    shown = client.get(url)
    assert shown.status_code == 429  # too soon: the cooldown is shown once
    assert "60" in shown.context["send_message"]
    assert client.get(url).status_code == 200


def test_switching_language_keeps_the_input_without_errors(wizard, client):
    """A language button posts the step's form: the input is kept unvalidated, the page comes back in English."""
    wizard.run_until(S.CONTACTS)
    url = wizard.url(S.CONTACTS)
    body = wizard.payload(S.CONTACTS, {"email": "anna@", "phone": ""})
    body["language"] = "en"
    switched = client.post(url, body)
    assert switched.status_code == 302 and switched["Location"] == url
    assert switched.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    page = client.get(url)
    html = page.content.decode()
    assert '<html lang="en">' in html and "Your e-mail and mobile phone" in html
    assert field_value(html, "contacts-email") == "anna@"
    assert 'class="error-summary"' not in html and not page.context["form"].errors
    assert S.CONTACTS not in client.session[f"wizard_{wizard.PREFIX}"]["step_data"]  # not an answer yet

    # And back to Russian, the same way.
    body = wizard.payload(S.CONTACTS, {"email": "anna@example.org", "phone": "+7916"})
    body["language"] = "ru"
    client.post(url, body)
    html = client.get(url).content.decode()
    assert '<html lang="ru">' in html and field_value(html, "contacts-phone") == "+7916"


def test_switching_language_keeps_an_uploaded_scan(wizard, client):
    wizard.run_until(S.STAY_DOCUMENT)
    url = wizard.url(S.STAY_DOCUMENT)
    body = wizard.payload(S.STAY_DOCUMENT, {"series": "82", "number": ""})
    body["language"] = "en"
    assert client.post(url, body).status_code == 302
    page = client.get(url)
    assert page.context["stored_files"]["scan"].startswith("permit.pdf")
    assert field_value(page.content.decode(), "stay_document-series") == "82"
    # The kept scan counts when the step is answered.
    assert wizard.post(S.STAY_DOCUMENT, files={}).status_code == 302


def test_an_unknown_language_is_an_ordinary_post(wizard, client):
    wizard.run_until(S.CONTACTS)
    body = wizard.payload(S.CONTACTS)
    body["language"] = "xx"
    response = client.post(wizard.url(S.CONTACTS), body)
    assert response["Location"] == wizard.url(S.PHONE_CODE)


def test_the_language_buttons_belong_to_the_step_form_and_enter_still_continues(wizard):
    html = wizard.get(S.TYPE).content.decode()
    buttons = re.findall(r'<button type="submit"[^>]*>', html)
    assert 'form="step-form" hidden' in buttons[0]  # the form's default button: Enter continues
    languages = [b for b in buttons if 'name="language"' in b]
    assert languages and all('form="step-form"' in b and "formnovalidate" in b for b in languages)
    assert 'id="step-form"' in html
    # Elsewhere the switcher is Django's set_language form, as before.
    start = wizard.client.get("/register/").content.decode()
    assert 'form="step-form"' not in start and "/i18n/setlang/" in start


def test_input_kept_for_a_step_is_dropped_with_the_step_when_an_earlier_answer_changes(wizard, client):
    """Typed Cyrillic names were built from the Latin ones: changing those drops the kept input too."""
    wizard.run_until(S.NAMES_CYRILLIC)
    body = wizard.payload(S.NAMES_CYRILLIC, {"surname_cyrillic": "Зззз", "given_names_cyrillic": ""})
    body["language"] = "en"
    client.post(wizard.url(S.NAMES_CYRILLIC), body)
    assert field_value(wizard.get(S.NAMES_CYRILLIC).content.decode(), "names_cyrillic-surname_cyrillic") == "Зззз"
    wizard.post(S.PERSONAL, {**wizard.answers[S.PERSONAL], "surname": "Petersen"})
    proposed = field_value(wizard.get(S.NAMES_CYRILLIC).content.decode(), "names_cyrillic-surname_cyrillic")
    assert proposed != "Зззз" and proposed
