"""The captcha of the password step: digits in a picture, another picture on request, and the digits read aloud.

django-simple-captcha draws the picture and keeps the answer. Its own audio reads the characters with
``flite``, which speaks English only; here the challenge is digits, and :func:`audio` reads them with
``espeak-ng`` in the page's language (Russian for a language espeak-ng has no voice for), over a
little noise from ``sox`` when it is installed. Without ``espeak-ng`` no audio is offered.
"""

from __future__ import annotations

import secrets
import shutil

# Fixed programs; their arguments are digits, a voice name and temporary paths only.
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from registration.core.conf import app_settings
from registration.core.ratelimit import limit

#: The name of the submit button that asks for another picture (the page without JavaScript).
REFRESH = "captcha_refresh"
DIGITS = 6
#: espeak-ng voices for the site's languages; any other language is read in Russian.
VOICES = {"ru": "ru", "en": "en-gb", "uz": "uz", "kk": "kk", "ky": "ky", "zh-hans": "cmn"}
SPEECH_TIMEOUT = 10


def digits_challenge() -> tuple[str, str]:
    """django-simple-captcha's ``CAPTCHA_CHALLENGE_FUNCT``: six random digits, the same shown and answered."""
    text = "".join(secrets.choice("0123456789") for _ in range(DIGITS))
    return text, text


def speech_program() -> str | None:
    """The speech synthesiser, when audio is switched on and installed."""
    if not app_settings.CAPTCHA_AUDIO:
        return None
    return shutil.which("espeak-ng")


def audio_url(key: str) -> str | None:
    return reverse("registration:captcha_audio", args=[key]) if speech_program() else None


def voice(language: str | None) -> str:
    return VOICES.get((language or "ru").lower(), "ru")


def speak(digits: str, language: str | None) -> bytes:
    """The digits read one by one, slowly, as a WAV file (under quiet noise when sox is installed)."""
    program = speech_program()
    if program is None or not digits.isdigit():
        raise ValueError("no speech")
    with tempfile.TemporaryDirectory(prefix="captcha-") as folder:
        speech, noise, mixed = (Path(folder) / name for name in ("speech.wav", "noise.wav", "mixed.wav"))
        text = ", ".join(digits)
        command = [program, "-v", voice(language), "-s", "120", "-g", "12", "-w", str(speech), text]
        subprocess.run(command, capture_output=True, timeout=SPEECH_TIMEOUT, check=True)  # noqa: S603
        sox = shutil.which("sox")
        if sox is not None:
            # Quiet brown noise under the voice: a little harder for a machine, no harder for a person.
            length = subprocess.run(  # noqa: S603
                [sox, "--i", "-D", str(speech)], capture_output=True, timeout=SPEECH_TIMEOUT, check=True, text=True
            ).stdout.strip()
            if length and float(length) > 0:
                noise_command = [sox, "-n", "-r", "22050", "-c", "1", "-b", "16", str(noise), "synth", length]
                subprocess.run(  # noqa: S603
                    [*noise_command, "brownnoise", "vol", "0.08"],
                    capture_output=True,
                    timeout=SPEECH_TIMEOUT,
                    check=True,
                )
                subprocess.run(  # noqa: S603
                    [
                        sox,
                        "-m",
                        "-v",
                        "1",
                        str(speech),
                        "-v",
                        "1",
                        str(noise),
                        "-b",
                        "16",
                        str(mixed),
                        "gain",
                        "-n",
                        "-1",
                    ],
                    capture_output=True,
                    timeout=SPEECH_TIMEOUT,
                    check=True,
                )
                return mixed.read_bytes()
        return speech.read_bytes()


@never_cache
@require_GET
@limit("captcha_audio_ip", methods=("GET",))
def audio(request: HttpRequest, key: str) -> HttpResponse:
    """The current challenge's digits, read aloud in the page's language; 410 once it is used or expired."""
    from captcha.models import CaptchaStore

    if speech_program() is None:
        raise Http404
    store = CaptchaStore.objects.filter(hashkey=key, expiration__gt=timezone.now()).first()
    if store is None:
        return HttpResponse(status=410)
    try:
        data = speak(store.challenge, translation.get_language())
    except (ValueError, OSError, subprocess.SubprocessError):
        raise Http404 from None
    response = HttpResponse(data, content_type="audio/wav")
    response["Content-Disposition"] = 'inline; filename="captcha.wav"'
    return response


def widget_context(key: str) -> dict[str, Any]:
    return {"audio": audio_url(key)}
