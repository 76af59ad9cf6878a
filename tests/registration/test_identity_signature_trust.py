"""Electronic signature: offered only with a trusted CA, the system checks of the trusted folder, the demo CA,
and one certificate per account under concurrency (PostgreSQL)."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections
from django.urls import reverse

from registration.identity import signature
from registration.identity.base import CertificateUpload, IdentityError
from registration.identity.models import IdentityConfirmation, SignatureCertificate
from tests.registration.identity_fixtures import make_applicant, make_p12, trusted_ca

METHOD = signature.METHOD
URL = reverse("registration:identity_method", args=["signature"])
PASSWORD = "Secret-123"
ON_POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def _complete(applicant, data: bytes, password: str = PASSWORD):
    confirmation = METHOD.start(applicant.account)
    return METHOD.complete(confirmation, CertificateUpload(data, password), by=applicant.account)


def _error(applicant, data: bytes, password: str = PASSWORD) -> str:
    with pytest.raises(IdentityError) as caught:
        _complete(applicant, data, password)
    return caught.value.code


# --- offered only with a trusted authority; system checks ----------------------------------------


def test_method_is_hidden_without_a_trusted_authority(client, make_applicant):
    """With no CA trusted the method is not offered: not listed, its page is 404, it cannot be started."""
    from registration.identity import registry

    applicant = make_applicant()
    assert "signature" not in [m.code for m in registry.offered_methods()]
    client.force_login(applicant.account)
    assert str(METHOD.label) not in client.get(reverse("registration:identity_methods")).content.decode()
    assert client.get(URL).status_code == 404
    with pytest.raises(IdentityError) as caught:
        METHOD.start(applicant.account)
    assert caught.value.code == "method_unavailable"


def test_method_is_offered_with_a_trusted_authority(make_applicant, trusted_ca):
    """With a CA in the folder the method is offered."""
    from registration.identity import registry

    assert "signature" in [m.code for m in registry.offered_methods()]


def test_default_folder_is_under_the_var_dir(settings):
    """Unset or empty, the trusted folder is <DJANGO_VAR_DIR>/trusted-ca, never the working directory."""
    from pathlib import Path

    from registration.identity import conf

    for value in (None, ""):
        settings.REGISTRATION_TRUSTED_CA_DIR = value
        assert conf.trusted_ca_dir() == Path(settings.VAR_DIR) / "trusted-ca"


def test_system_check_without_a_trusted_authority(settings):
    """No CA trusted: a note by default, a warning when REGISTRATION_IDENTITY_METHODS asks for the signature."""
    from registration.identity.signature.checks import signature_authorities

    assert [m.id for m in signature_authorities()] == ["registration.I002"]
    settings.REGISTRATION_IDENTITY_METHODS = ["signature", "service_centre"]
    assert [m.id for m in signature_authorities()] == ["registration.W003"]


def test_system_check_of_the_crls(trusted_ca):
    """A trusted CA with a fresh CRL passes the check; a stale or missing CRL is a warning."""
    from registration.identity.signature.checks import signature_authorities

    assert signature_authorities() == []
    trusted_ca.crl(next_update=datetime.now(UTC) - timedelta(days=1))
    assert [m.id for m in signature_authorities()] == ["registration.W004"]


def test_deploy_check_refuses_the_demo_authority(settings, tmp_path):
    """The demo loader's CA in the trusted folder is an error for a deployment."""
    from registration.demo.identity import PEOPLE, _signature_files
    from registration.identity.signature.checks import demo_authority_is_not_trusted

    settings.DEBUG, settings.VAR_DIR = True, str(tmp_path)
    settings.REGISTRATION_TRUSTED_CA_DIR = str(tmp_path / "demo" / "trusted-ca")
    assert demo_authority_is_not_trusted() == []
    _signature_files(next(p for p in PEOPLE if p.method == "signature"))
    assert [m.id for m in demo_authority_is_not_trusted()] == ["registration.E005"]


def test_demo_signature_file_passes_every_check(make_applicant, settings, tmp_path):
    """With DEBUG on, the demo CA, its CRL and the demo .p12 confirm the demo applicant."""
    from registration.demo.identity import PEOPLE, _signature_files

    settings.DEBUG, settings.VAR_DIR = True, str(tmp_path)
    settings.REGISTRATION_TRUSTED_CA_DIR = str(tmp_path / "demo" / "trusted-ca")
    person = next(p for p in PEOPLE if p.method == "signature")
    path, password = _signature_files(person)
    applicant = make_applicant(
        surname=person.surname,
        given_names=person.given_names,
        surname_cyrillic=person.surname_cyrillic,
        given_names_cyrillic=person.given_names_cyrillic,
    )
    assert _complete(applicant, path.read_bytes(), password).activated


def test_demo_loader_trusts_nothing_with_debug_off(settings, tmp_path):
    """With DEBUG off (production, and make serve-prod) the demo loader makes no CA."""
    from registration.demo.identity import PEOPLE, _signature_files

    settings.DEBUG, settings.REGISTRATION_TRUSTED_CA_DIR = False, str(tmp_path / "trusted-ca")
    assert _signature_files(PEOPLE[0]) is None
    assert not (tmp_path / "trusted-ca").exists()


# --- one certificate, one account ----------------------------------------------------------------


def test_the_same_account_may_confirm_again_with_its_certificate(make_applicant, trusted_ca):
    """After a review sent the account back to pending, its own certificate confirms it again."""
    from registration.accounts import status

    applicant = make_applicant()
    data = make_p12(trusted_ca)
    _complete(applicant, data)
    status.send_to_review(applicant.account, by=None, reason="Passport changed")
    applicant.account.refresh_from_db()
    assert _complete(applicant, data).activated
    assert list(SignatureCertificate.objects.order_by("pk").values_list("current", flat=True)) == [False, True]
    assert _error(make_applicant(), data) == "certificate_in_use"


@pytest.mark.skipif(not ON_POSTGRES, reason="the race needs a real concurrent database (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_uploads_of_one_certificate_confirm_one_account(make_applicant, trusted_ca):
    """Ten accounts posting one certificate at once: the database constraint lets exactly one through."""
    data = make_p12(trusted_ca)
    confirmations = [METHOD.start(make_applicant(f"race{n}@example.org").account) for n in range(10)]
    barrier = threading.Barrier(len(confirmations))
    outcomes: list[str] = []
    lock = threading.Lock()

    def upload(confirmation) -> None:
        try:
            barrier.wait(timeout=30)
            METHOD.complete(confirmation, CertificateUpload(data, PASSWORD), by=confirmation.account)
            result = "confirmed"
        except IdentityError as error:
            result = error.code
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=upload, args=(c,)) for c in confirmations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["certificate_in_use"] * 9 + ["confirmed"]
    assert SignatureCertificate.objects.filter(current=True).count() == 1
    assert IdentityConfirmation.objects.filter(state="confirmed").count() == 1
    assert connection.vendor == "postgresql"


# --- the folder is parsed again only when its files change ----------------------------------------


def test_trusted_folder_is_parsed_once_until_a_file_changes(trusted_ca, monkeypatch):
    """Uploads reuse the parsed folder; adding, changing or removing a file is seen on the next check."""
    from registration.identity import conf
    from registration.identity.signature import trust

    folder = conf.trusted_ca_dir()
    parsed = []
    real = trust._parse_certificates
    monkeypatch.setattr(trust, "_parse_certificates", lambda d: parsed.append(d) or real(d))
    trust._parsed.cache_clear()
    first = trust.load_trust_store(folder)
    assert trust.load_trust_store(folder) is first and trust.has_anchor(folder)
    assert len(parsed) == 1

    anchor = next(path for path in sorted(folder.iterdir()) if path.suffix in trust.CERTIFICATE_SUFFIXES)
    copy = folder / "copy.pem"
    copy.write_bytes(anchor.read_bytes())
    assert len(trust.load_trust_store(folder).anchors) == len(first.anchors) + 1
    assert len(parsed) == 2

    copy.unlink()
    for path in folder.iterdir():
        if path.suffix in trust.CERTIFICATE_SUFFIXES:
            path.unlink()
    assert not trust.has_anchor(folder)
    assert len(parsed) == 3
