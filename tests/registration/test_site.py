"""The site answers: start page, admin, log-in by e-mail or phone, health check, demo data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from registration.accounts.models import Account
from registration.identity.models import ServiceCentre

ROOT = Path(__file__).resolve().parents[2]


def test_root_leads_to_registration(client):
    """The home page sends the person to the wizard's entry."""
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("registration:start")


@pytest.mark.django_db
def test_start_page_and_admin_login_answer(client):
    """The wizard's entry and the admin log-in page are served."""
    assert client.get(reverse("registration:start")).status_code == 200
    assert client.get("/admin/login/").status_code == 200


@pytest.mark.django_db
def test_pages_speak_russian_by_default_and_english_on_request(client):
    """Russian is the default language; the language switcher turns the site to English."""
    page = client.get(reverse("registration:start"))
    assert 'lang="ru"' in page.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/register/"})
    page = client.get(reverse("registration:start"))
    assert 'lang="en"' in page.content.decode()


@pytest.mark.parametrize("identifier", ["person@example.org", "PERSON@example.org", "+7 916 123-45-67"])
def test_login_by_email_or_phone(client, make_account, identifier):
    """A person logs in with their e-mail (any case) or their phone and lands in the cabinet."""
    make_account("person@example.org", phone="+79161234567")
    response = client.post(reverse("registration:login"), {"username": identifier, "password": "Correct-Horse-42"})
    assert response.status_code == 302, response.content
    assert response["Location"] == reverse("registration:cabinet")
    assert "status-pending" in client.get(reverse("registration:cabinet")).content.decode()


def test_login_with_wrong_password_stays_on_page(client, make_account):
    """A wrong password gives the form back with a general error that does not reveal which part was wrong."""
    make_account("person@example.org")
    response = client.post(reverse("registration:login"), {"username": "person@example.org", "password": "nope"})
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"]


def test_cabinet_needs_login(client, db):
    """An anonymous visitor is sent to log in."""
    response = client.get(reverse("registration:cabinet"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("registration:login"))


def test_healthz(client, db):
    """The liveness probe answers (tests/registration/test_operations_health.py: without the database)."""
    assert client.get("/healthz").json() == {"status": "ok"}


def test_demo_data_prints_working_logins(db, capsys):
    """The demo command creates centres and accounts and prints passwords that work."""
    call_command("load_demo_data")
    call_command("load_demo_data")  # idempotent: run twice, still one of each
    out = capsys.readouterr().out
    from registration.demo.management.commands.load_demo_data import CENTRES, MORE_CENTRES

    assert ServiceCentre.objects.count() == len(CENTRES) + len(MORE_CENTRES) == 6
    # Every demo centre is placed, so that "near me" and the postcode search find them.
    assert not ServiceCentre.objects.filter(latitude__isnull=True).exists()
    assert not ServiceCentre.objects.filter(postcode="").exists()
    lines = [line.split() for line in out.splitlines() if "@example.org" in line]
    last = {parts[-2]: parts[-1] for parts in lines}
    admin = Account.objects.get(email="admin@example.org")
    clerk = Account.objects.get(email="clerk@example.org")
    assert admin.is_superuser and admin.check_password(last["admin@example.org"])
    assert clerk.is_staff and not clerk.is_superuser and clerk.check_password(last["clerk@example.org"])


def test_argon2_is_the_production_hasher():
    """Passwords are hashed with Argon2 outside tests."""
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def _run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_deploy_checks(tmp_path):
    """With only the required variables set, `check --deploy` finds nothing, warnings included."""
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_SECRET_KEY": "x7Qp2vL9sK4mN8rT1wY6zB3cF5hJ0dG_aE-uI2oP7lK9jH4gF6dS8aZ1xC3vB5nM",
            "DJANGO_ALLOWED_HOSTS": "portal.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_without_secret_key_stops_with_a_clear_message(tmp_path):
    """A missing secret key in production is a start-up error naming the variable."""
    result = _run_manage(
        "check",
        env={
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "DJANGO_ALLOWED_HOSTS": "portal.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        },
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_scans_storage_has_no_public_url(settings):
    """Scans and wizard uploads live in storages without a base URL."""
    from django.core.files.storage import storages

    for alias in ("scans", "wizard"):
        storage = storages[alias]
        with pytest.raises(ValueError):
            storage.url("x.pdf")


def test_public_storage_is_reported_by_system_check(settings):
    """A storage configured with a public base URL fails the system check."""
    from registration.core.checks import scans_are_private

    settings.STORAGES = {**settings.STORAGES, "scans": {**settings.STORAGES["scans"], "OPTIONS": {"base_url": "/s/"}}}
    assert [e.id for e in scans_are_private()] == ["registration.E002"]
    settings.STORAGES = {k: v for k, v in settings.STORAGES.items() if k != "wizard"}
    assert "registration.E001" in [e.id for e in scans_are_private()]


@pytest.mark.django_db
def test_migrations_are_up_to_date():
    """Every model change has its migration committed."""
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
def test_every_page_has_a_content_security_policy(client):
    """Pages carry a CSP that forbids third-party and inline scripts and framing."""
    response = client.get(reverse("registration:start"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]


@pytest.mark.django_db
def test_static_files_are_served_by_the_app(client):
    """WhiteNoise serves the stylesheet, so app servers need no separate static server."""
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert b"--blue" in b"".join(response.streaming_content)


@pytest.mark.parametrize(
    ("backend", "warned"),
    [
        ("registration.codes.sms.ConsoleBackend", True),
        ("registration.codes.sms.FileBackend", True),
        ("registration.codes.sms.HttpGatewayBackend", False),
    ],
)
def test_development_sms_backend_is_a_deploy_warning(settings, backend, warned):
    """A production deployment that would print SMS codes to the logs is flagged by check --deploy."""
    from registration.core.checks import sms_codes_leave_the_building

    settings.REGISTRATION_SMS_BACKEND = backend
    assert [w.id for w in sms_codes_leave_the_building()] == (["registration.W002"] if warned else [])
