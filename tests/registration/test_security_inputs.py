"""Attacks through input: hostile uploads, path traversal, huge values, script payloads shown back."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from registration.accounts.models import Document
from registration.onboarding import steps as S
from tests.registration.identity_fixtures import make_applicant, role_user, superuser  # noqa: F401

SCRIPT = '<script>alert("x")</script>'


def scan_errors(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [error.code for error in response.context["form"].errors.as_data().get("scan", [])]


def png_with_text(png: bytes, text: str) -> bytes:
    image = Image.open(io.BytesIO(png))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(300, 300), pnginfo=info)
    return buffer.getvalue()


def hostile_uploads(png: bytes) -> dict[str, tuple[str, bytes, str]]:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
    return {
        "svg": ("passport.svg", svg, "image/svg+xml"),
        "svg named png": ("passport.png", svg, "image/png"),
        "html": ("passport.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "text/html"),
        "html named pdf": ("passport.pdf", b"<html><body onload=alert(1)>", "application/pdf"),
        "png + html": ("passport.png", png + b"<html><script>alert(1)</script></html>", "image/png"),
        "html + png": ("passport.png", b"<html><script>alert(1)</script>" + png, "image/png"),
        "png with script text": ("passport.png", png_with_text(png, SCRIPT), "image/png"),
        "pdf with javascript": ("passport.pdf", b"%PDF-1.4\n1 0 obj<</S/JavaScript/JS(app.alert(1))>>endobj", "x"),
    }


HOSTILE = ["svg", "svg named png", "html", "html named pdf", "png + html", "html + png", "png with script text"]


@pytest.mark.parametrize("kind", [*HOSTILE, "pdf with javascript"])
def test_svg_html_and_polyglot_uploads_are_refused(wizard, scan_bytes, kind):
    """Each hostile file is refused on the identity document step with a scan error, and nothing is kept."""
    name, content, mime = hostile_uploads(scan_bytes["png"])[kind]
    wizard.run_until(S.IDENTITY_DOCUMENT)
    response = wizard.post(S.IDENTITY_DOCUMENT, files={"scan": SimpleUploadedFile(name, content, content_type=mime)})
    assert scan_errors(response), kind
    assert not any(Path(wizard_file).is_file() for wizard_file in _files_under(wizard))


def _files_under(wizard) -> list[str]:
    from django.core.files.storage import storages

    root = Path(storages["wizard"].location)
    return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize(
    "name",
    ["../../../../etc/passwd.png", "..\\..\\windows\\win.ini.png", "/etc/cron.d/x.png", "a/../../b.png", "x\x00.png"],
)
def test_path_traversal_in_file_names_is_harmless(wizard, scan_bytes, name, tmp_path):
    """A hostile name is only a label: the file lands under a random name inside the private storage."""
    wizard.run_until(S.IDENTITY_DOCUMENT)
    upload = SimpleUploadedFile(name, scan_bytes["png"], content_type="image/png")
    response = wizard.post(S.IDENTITY_DOCUMENT, files={"scan": upload})
    assert response.status_code in (200, 302)
    from django.core.files.storage import storages

    root = Path(storages["wizard"].location).resolve()
    for stored in _files_under(wizard):
        assert Path(stored).resolve().is_relative_to(root)
        assert ".." not in Path(stored).relative_to(root).parts
    if response.status_code == 302:
        wizard.files["identity_document"] = {}
        for step in S.NAMES[S.NAMES.index(S.IDENTITY_DOCUMENT) + 1 :]:
            assert wizard.answer(step).status_code == 302, step
        document = Document.objects.get(role="identity")
        assert ".." not in document.scan.name and "etc" not in document.scan.name.split("/")
        assert Path(document.scan.path).resolve().is_relative_to(Path(storages["scans"].location).resolve())


def test_100_000_character_inputs_are_refused_cleanly(client, wizard, make_account):
    """Log-in, the wizard and the support form answer a 100 000-character value with a form error."""
    huge = "A" * 100_000
    login = client.post(reverse("registration:login"), {"username": huge, "password": huge})
    assert login.status_code == 200 and login.context["form"].errors
    wizard.run_until(S.PERSONAL)
    data = {**wizard.answers[S.PERSONAL], "surname": huge, "birth_place": huge}
    personal = wizard.post(S.PERSONAL, data)
    assert personal.status_code == 200
    errors = personal.context["form"].errors
    assert "surname" in errors and "birth_place" in errors
    person = make_account("writer@example.org")
    client.force_login(person)
    support = client.post(reverse("registration:support_new"), {"topic": "other", "body": huge})
    assert support.status_code == 200 and "body" in support.context["form"].errors
    assert person.support_requests.count() == 0


def test_a_body_over_the_upload_limit_is_a_400_not_a_500(client, db):
    """A form body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused with a 400 page."""
    body = {"username": "A" * (3 * 1024 * 1024), "password": "x"}
    response = client.post(reverse("registration:login"), body)
    assert response.status_code == 400


def test_script_in_names_is_escaped_in_the_cabinet(client, make_applicant):  # noqa: F811
    """A name carrying a script payload (typed by a clerk, or imported) is shown as text to the person."""
    applicant = make_applicant(
        surname=SCRIPT, given_names='"><img src=x onerror=alert(1)>', surname_cyrillic=SCRIPT, given_names_cyrillic="А"
    )
    client.force_login(applicant.account)
    for url, shows_name in ((reverse("registration:cabinet"), False), (reverse("registration:profile"), True)):
        content = client.get(url).content.decode()
        assert SCRIPT not in content and "<img src=x" not in content, url
        assert ("&lt;script&gt;" in content) == shows_name, url


def test_script_in_names_is_escaped_in_the_admin(client, make_applicant, superuser):  # noqa: F811
    """The clerks' queue, the application page and the accounts list show the payload escaped."""
    applicant = make_applicant(surname=SCRIPT, given_names='"><img src=x onerror=alert(1)>')
    client.force_login(superuser)
    for url in (
        reverse("admin:identity_pendingapplication_changelist"),
        reverse("admin:identity_pendingapplication_change", args=[applicant.pk]),
        reverse("admin:accounts_applicant_changelist"),
        reverse("admin:accounts_applicant_change", args=[applicant.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert SCRIPT not in content and "<img src=x" not in content, url
        assert "&lt;script&gt;" in content or "&lt;script" in content, url
