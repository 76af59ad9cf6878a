"""The printed post letter: the address block and the post's parts in Russian, the message in the person's
language and in Russian."""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse

from registration.accounts.models import Account
from registration.identity import post_letter
from tests.registration.identity_fixtures import make_applicant, role_user

PRINT = reverse("admin:identity_postletter_print_waiting")


def _print(client, role_user, operator_language: str) -> str:
    operator = role_user("post")
    Account.objects.filter(pk=operator.pk).update(preferred_language=operator_language)
    client.force_login(operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = operator_language
    response = client.post(PRINT)
    assert response.status_code == 200
    return response.content.decode()


def _article(page: str) -> str:
    return page.split('<article class="letter" lang="ru">', 1)[1].split("</article>", 1)[0]


def test_letter_to_an_english_speaker_is_bilingual_with_russian_for_the_post(client, make_applicant, role_user):
    """Address block in Russian (with the Cyrillic name); the message in English, then in Russian; one code."""
    account = make_applicant(preferred_language="en").account
    post_letter.METHOD.start(account, postcode="101000", address="Москва, Мясницкая ул., 26")
    page = _print(client, role_user, "en")
    assert "1 letter is ready to print." in page  # the operator's own part is in their language
    letter = _article(page)
    address = letter.split("</header>", 1)[0]
    assert "Получить в почтовом отделении" in address and "ERIKSSON ANNA MARIA" in address
    assert "ЭРИКССОН АННА МАРИЯ" in address and "101000, Москва, Мясницкая ул., 26" in address
    assert '<h1 lang="en">Your code to confirm your identity</h1>' in letter
    assert '<p class="letter-subtitle">Ваш код для подтверждения личности</p>' in letter
    assert len(re.findall(r'class="letter-code">[0-9A-Z]{5}-[0-9A-Z]{5}<', letter)) == 1
    english, russian = letter.split('<div class="letter-message" lang="en">', 1)[1].split(
        '<div class="letter-message" lang="ru">', 1
    )
    assert "Log in to your account on the government services portal" in english
    assert "Do not give the code to anyone." in english
    assert "Войдите в личный кабинет" in russian and "Log in" not in russian
    assert "Письмо #" in letter


def test_letter_to_a_russian_speaker_is_russian_only(client, make_applicant, role_user):
    """A person whose language is Russian gets the Russian message once, even from an English-speaking operator."""
    account = make_applicant(preferred_language="ru").account
    post_letter.METHOD.start(account, postcode="101000", address="Москва, Мясницкая ул., 26")
    letter = _article(_print(client, role_user, "en"))
    assert '<h1 lang="ru">Ваш код для подтверждения личности</h1>' in letter
    assert "letter-subtitle" not in letter
    assert letter.count('class="letter-message"') == 1 and "Войдите в личный кабинет" in letter
    assert "Log in" not in letter and "Your code" not in letter


def test_letters_for_people_of_different_languages_in_one_batch(client, make_applicant, role_user):
    """One print run: each letter in its own person's language, the address blocks all in Russian."""
    for language in ("en", "ru"):
        account = make_applicant(preferred_language=language).account
        post_letter.METHOD.start(account, postcode="101000", address="Москва, Почтамт")
    page = _print(client, role_user, "ru")
    assert page.count("Получить в почтовом отделении") == 2
    assert page.count('<h1 lang="en">') == 1 and page.count('<h1 lang="ru">') == 1
