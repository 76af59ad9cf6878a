"""The person's language and dates: DD.MM.YYYY in every language, shown and typed; the language chosen
remembered on the account and applied at log-in. Part of ``pytest -m i18n`` with ``tests/test_i18n.py``.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.utils import formats, translation

from tests.registration.identity_fixtures import make_applicant, role_user  # noqa: F401  (fixtures)

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


# ----------------------------------------------------------------------------------------------
# Every language: named in its own script, reached from the browser's language, translated throughout.

OWN_NAMES = {
    "ru": "Русский",
    "en": "English",
    "uz": "Oʻzbekcha",
    "tg": "Тоҷикӣ",
    "ky": "Кыргызча",
    "kk": "Қазақша",
    "zh-hans": "中文",
}
# What a browser set to each language sends (Chinese browsers say zh-CN, never zh-hans).
ACCEPT_LANGUAGE = {
    "ru": "ru-RU,ru;q=0.9",
    "en": "en-GB,en;q=0.9",
    "uz": "uz-Latn-UZ,uz;q=0.9,ru;q=0.8",
    "tg": "tg-TJ,tg;q=0.9,ru;q=0.8",
    "ky": "ky-KG,ky;q=0.9,ru;q=0.8",
    "kk": "kk-KZ,kk;q=0.9,ru;q=0.8",
    "zh-hans": "zh-CN,zh;q=0.9,en;q=0.8",
}


def test_every_language_is_named_in_its_own_script():
    """The site's languages are exactly the known ones, each named as its speakers write it."""
    assert dict(settings.LANGUAGES) == {code: OWN_NAMES[code] for code in LANGUAGE_CODES}


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_chooser_offers_every_language_in_its_own_script(client, language):
    """On every language's pages, each option names its language in that language, marked with ``lang``."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/register/").content.decode()
    for code in LANGUAGE_CODES:
        assert f'value="{code}" lang="{code}"' in page
        assert f">{OWN_NAMES[code]}</button>" in page
    with translation.override(language):
        label = translation.gettext("Language")
    assert f'<span class="visually-hidden">{label}: </span><span lang="{language}">{OWN_NAMES[language]}</span>' in page


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_first_visit_follows_the_browsers_language(client, language):
    """Without a cookie, the page comes in the browser's language, its ``lang`` and Content-Language right."""
    page = client.get("/register/", HTTP_ACCEPT_LANGUAGE=ACCEPT_LANGUAGE[language])
    assert f'<html lang="{language}">' in page.content.decode()
    assert page["Content-Language"] == language


@pytest.mark.django_db
def test_a_browser_language_the_site_lacks_gets_russian(client):
    """A browser asking for a language the site does not offer gets the Russian default."""
    page = client.get("/register/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert '<html lang="ru">' in page.content.decode()


@pytest.mark.parametrize("language", [code for code in LANGUAGE_CODES if code not in ("ru", "en")])
def test_each_language_translates_the_site_and_the_library(language):
    """Site strings and the library's messages come in the language, not in Russian or English."""
    from validators.django import MESSAGES

    samples = ["Log in", "Check your answers", "Your identity is confirmed"]
    with translation.override("ru"):
        russian = [translation.gettext(text) for text in samples] + [str(text) for text in MESSAGES.values()]
    with translation.override(language):
        ours = [translation.gettext(text) for text in samples] + [str(text) for text in MESSAGES.values()]
    with translation.override("en"):
        english = [translation.gettext(text) for text in samples] + [str(text) for text in MESSAGES.values()]
    assert all(mine != ru and mine != en for mine, ru, en in zip(ours, russian, english, strict=True))


@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_plural_rules_agree_with_djangos_own_catalogue(language):
    """Each catalogue has Django's own plural rule for its language, so Django merges them into one."""
    from pathlib import Path

    import django
    import polib

    locale = translation.to_locale(language)
    ours = polib.pofile(str(Path(settings.BASE_DIR) / "locale" / locale / "LC_MESSAGES" / "django.po"))
    djangos = polib.pofile(str(Path(django.__file__).parent / "conf" / "locale" / locale / "LC_MESSAGES" / "django.po"))

    def rule(po: polib.POFile) -> str:
        return po.metadata["Plural-Forms"].replace(" ", "").rstrip(";")

    assert rule(ours) == rule(djangos)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_clerks_workspace_stays_russian_or_english(client, language):
    """The workspace's log-in page is in Russian for every language but English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/admin/login/")
    expected = "en" if language == "en" else "ru"
    assert f'<html lang="{expected}"' in page.content.decode()
    assert page["Content-Language"] == expected


@pytest.mark.parametrize("language", [code for code in LANGUAGE_CODES if code not in ("ru", "en")])
def test_djangos_own_messages_on_the_forms_come_in_the_language(language):
    """Django's messages that reach people (password rules, field defaults) are in the language, not Russian."""
    from django.contrib.auth import password_validation

    def messages() -> list[str]:
        found = []
        for password in ("Abc1", "password", "12345678901"):
            try:
                password_validation.validate_password(password)
            except forms.ValidationError as error:
                found += error.messages
        found += [str(text) for text in password_validation.password_validators_help_texts()]

        class Form(forms.Form):
            email = forms.EmailField()
            day = forms.DateField()
            choice = forms.ChoiceField(choices=[("a", "a")])
            scan = forms.FileField()
            text = forms.CharField(max_length=3)

        form = Form({"email": "x", "day": "x", "choice": "z", "text": "abcd"})
        form.is_valid()
        found += [str(message) for errors in form.errors.values() for message in errors]
        return found

    with translation.override("ru"):
        russian = messages()
    with translation.override("en"):
        english = messages()
    with translation.override(language):
        ours = messages()
    assert len(ours) == len(russian) == len(english) > 10
    untranslated = [mine for mine, ru, en in zip(ours, russian, english, strict=True) if mine in (ru, en)]
    assert not untranslated


# ----------------------------------------------------------------------------------------------
# Papers an office reads: in the person's language, and in Russian for the office.


@pytest.mark.parametrize("language", ["uz", "zh-hans", "ru"])
def test_service_centre_receipt_repeats_its_facts_in_russian(client, make_applicant, language):  # noqa: F811
    """A receipt in another language carries a Russian part for the clerk; a Russian one needs none."""
    from django.urls import reverse

    applicant = make_applicant()
    account = applicant.account
    account.preferred_language = language
    account.save(update_fields=["preferred_language"])
    client.force_login(account)
    page = client.get(reverse("registration:identity_receipt")).content.decode()
    assert f'<html lang="{language}">' in page
    russian = re.search(r'<div class="receipt-russian" lang="ru">(.*?)</div>\s*</div>', page, re.S)
    if language == "ru":
        assert russian is None
        return
    assert russian, "no Russian part"
    assert "Подтверждение личности в центре обслуживания" in russian.group(1)
    assert applicant.application_number in russian.group(1)
    with translation.override(language):
        assert translation.gettext("Identity confirmation at a service centre") in page


@pytest.mark.parametrize("language", ["tg", "ru"])
def test_post_letter_speaks_the_persons_language_and_russian(client, make_applicant, role_user, language):  # noqa: F811
    """The post office's address is in Russian; the text in the person's language, then in Russian."""
    from django.urls import reverse

    from registration.identity import post_letter

    applicant = make_applicant()
    account = applicant.account
    account.preferred_language = language
    account.save(update_fields=["preferred_language"])
    post_letter.METHOD.start(account, postcode="101000", address="Moscow, Post 1")
    client.force_login(role_user("post"))
    page = client.post(reverse("admin:identity_postletter_print_waiting")).content.decode()
    assert '<html lang="ru">' in page  # the operator's page
    address = re.search(r'<header class="letter-address">(.*?)</header>', page, re.S).group(1)
    assert "Получить в почтовом отделении" in address
    messages = dict(re.findall(r'<div class="letter-message" lang="([\w-]+)">(.*?)</div>', page, re.S))
    with translation.override("ru"):
        assert translation.gettext("Do not give the code to anyone. Portal staff never ask for it.") in messages["ru"]
    if language == "ru":
        assert list(messages) == ["ru"]
    else:
        assert list(messages) == [language, "ru"]
        assert "Do not give" not in messages[language]
        with translation.override(language):
            assert (
                translation.gettext("Do not give the code to anyone. Portal staff never ask for it.")
                in (messages[language])
            )


# ----------------------------------------------------------------------------------------------
# What is sent: every e-mail and SMS text exists in every language.

SENT_TEMPLATES = sorted(
    str(path.relative_to(settings.BASE_DIR / "templates"))
    for folder in ("email", "sms")
    for path in (settings.BASE_DIR / "templates" / folder).glob("*")
    if path.suffix in {".txt", ".html"}
)


@pytest.mark.parametrize("language", [code for code in LANGUAGE_CODES if code not in ("ru", "en")])
def test_every_email_and_sms_text_is_in_the_language(language):
    """Rendered in the language, no e-mail or SMS keeps an English or Russian sentence."""
    from django.template.loader import render_to_string

    assert len(SENT_TEMPLATES) > 20
    context = {
        "code": "123456",
        "minutes": 10,
        "number": "S-1",
        "name": "Anna",
        "until": "05.03.2024",
        "uid": "MQ",
        "token": "t",
        "link_days": 3,
    }

    def sentences(text: str) -> set[str]:
        return {
            part.strip()
            for part in re.split(r"[\n.:]", re.sub(r"<[^>]+>", "\n", text))
            if len(part.strip()) > 12 and " " in part.strip()
        }

    problems = []
    for name in SENT_TEMPLATES:
        with translation.override("en"):
            english = sentences(render_to_string(name, context))
        with translation.override("ru"):
            russian = sentences(render_to_string(name, context))
        with translation.override(language):
            ours = sentences(render_to_string(name, context))
        if left := (ours & (english | russian)):
            problems.append(f"{name}: {sorted(left)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(("language", "moscow"), [("uz", "77 Москва"), ("kk", "77 Москва"), ("zh-hans", "77 Moscow")])
def test_region_list_names_regions_as_the_persons_papers_do(language, moscow):
    """The address step's regions: the Russian names for Central Asian readers, English for Chinese."""
    from validators.django.fields import RegionField

    with translation.override(language):
        assert dict(RegionField().choices)["77"] == moscow
