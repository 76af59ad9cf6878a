"""The captcha: another picture with or without scripts, and the digits read aloud in the page's language."""

from __future__ import annotations

import re
import shutil

import pytest
from captcha.models import CaptchaStore
from django.urls import reverse

from registration.onboarding import captcha
from registration.onboarding import steps as S

pytestmark = pytest.mark.django_db
needs_speech = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


def _key(html: str) -> str:
    return re.search(r'name="password-captcha_0" value="([0-9a-f]+)"', html).group(1)


@pytest.fixture
def at_password(wizard, settings):
    settings.REGISTRATION_CAPTCHA = True
    wizard.run_until(S.PASSWORD)
    return wizard


def test_the_challenge_is_six_digits():
    """The picture shows six digits, and the answer is the same digits."""
    shown, answer = captcha.digits_challenge()
    assert shown == answer and len(shown) == 6 and shown.isdigit()


def test_without_scripts_another_picture_keeps_the_answers(at_password):
    """The "Show another picture" submit shows the page again (after a redirect) with a new challenge, no
    errors, the answers kept, except the password, which is never kept between requests."""
    wizard = at_password
    first = _key(wizard.get(S.PASSWORD).content.decode())
    data = {**wizard.answers[S.PASSWORD], "captcha_0": first, "captcha_1": ""}
    body = wizard.payload(S.PASSWORD, data)
    body[captcha.REFRESH] = "1"
    response = wizard.client.post(wizard.url(S.PASSWORD), body)
    assert response.status_code == 302  # Post/Redirect/Get: a reload never sends the form again
    response = wizard.client.get(response["Location"])
    html = response.content.decode()
    assert _key(html) != first
    assert not response.context["form"].errors
    assert "Correct-Horse-42" not in html  # a password is never kept in the session
    consent = re.search(r'<input type="checkbox" name="password-consent"[^>]*>', html).group(0)
    assert "checked" in consent
    # Nothing was stored: the step is still to be answered, and the old challenge is still unspent.
    assert CaptchaStore.objects.filter(hashkey=first).exists()
    new = _key(html)
    answer = CaptchaStore.objects.get(hashkey=new).response
    response = wizard.post(S.PASSWORD, {**wizard.answers[S.PASSWORD], "captcha_0": new, "captcha_1": answer})
    assert response.status_code == 302


def test_the_page_offers_refresh_and_audio_controls(at_password, settings):
    """The widget has the scripted refresh (hidden until the script runs), the no-script submit and the audio link."""
    html = at_password.get(S.PASSWORD).content.decode()
    assert 'class="link-button captcha-refresh" hidden' in html
    assert 'name="captcha_refresh"' in html and "js/captcha.js" in html
    assert f'data-refresh-url="{reverse("captcha-refresh")}"' in html
    if shutil.which("espeak-ng"):
        assert reverse("registration:captcha_audio", args=[_key(html)]) in html
    settings.REGISTRATION_CAPTCHA_AUDIO = False
    assert "captcha-audio" not in at_password.get(S.PASSWORD).content.decode()


def test_library_refresh_view_gives_a_new_key(client):
    """The script's request: the library's refresh view answers a new key and image address."""
    response = client.get(reverse("captcha-refresh"), headers={"x-requested-with": "XMLHttpRequest"})
    data = response.json()
    assert CaptchaStore.objects.filter(hashkey=data["key"]).exists() and data["key"] in data["image_url"]


@needs_speech
@pytest.mark.parametrize("language", ["ru", "en"])
def test_audio_reads_the_digits_as_a_wav_in_the_page_language(client, settings, language, monkeypatch):
    """The audio is a WAV file; espeak-ng is asked for the page's language."""
    settings.REGISTRATION_CAPTCHA = True
    key = CaptchaStore.generate_key(captcha.digits_challenge)
    voices = []
    real_voice = captcha.voice
    monkeypatch.setattr(captcha, "voice", lambda lang: voices.append(lang) or real_voice(lang))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse("registration:captcha_audio", args=[key]))
    assert response.status_code == 200 and response["Content-Type"] == "audio/wav"
    assert response.content[:4] == b"RIFF" and len(response.content) > 10_000
    assert voices == [language]
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_voices_fall_back_to_russian():
    """A language espeak-ng has no voice for is read in Russian; English in British English."""
    assert captcha.voice("tg") == "ru" and captcha.voice("en") == "en-gb" and captcha.voice(None) == "ru"


@needs_speech
def test_audio_of_a_spent_or_unknown_challenge_is_gone(client):
    """A challenge that is answered (or never existed) has no audio: 410."""
    assert client.get(reverse("registration:captcha_audio", args=["0" * 40])).status_code == 410


@needs_speech
def test_audio_is_rate_limited(client, settings):
    """Each audio runs a synthesiser: past the limit per address, 429."""
    settings.REGISTRATION_RATE_LIMITS = {"captcha_audio_ip": "2/10m"}
    key = CaptchaStore.generate_key(captcha.digits_challenge)
    url = reverse("registration:captcha_audio", args=[key])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_audio_switched_off_is_404(client, settings):
    """With REGISTRATION_CAPTCHA_AUDIO off, no audio is served."""
    settings.REGISTRATION_CAPTCHA_AUDIO = False
    key = CaptchaStore.generate_key(captcha.digits_challenge)
    assert client.get(reverse("registration:captcha_audio", args=[key])).status_code == 404
