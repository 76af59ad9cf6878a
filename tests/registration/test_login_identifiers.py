"""One normalisation of log-in identifiers: storage, uniqueness, look-up and lockout counting."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.db import IntegrityError, transaction
from django.urls import reverse

from registration.accounts import identifiers
from registration.accounts import login as lockout
from registration.accounts.models import Account

LOGIN = reverse("registration:login")
CODE = reverse("registration:login_code")
PASSWORD = "Correct-Horse-42"
OWNER = "applicant.scans@example.org"
VARIANTS = ("applıcant.scans@example.org", "APPLICANT.SCANS@EXAMPLE.ORG", "applicant.ſcans@example.org")


@pytest.fixture
def owner(make_account):
    return make_account(OWNER, phone="+79163334455")


def attempt(client, username: str, password: str, n: int):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=f"203.0.113.{n}")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("APPLICANT.SCANS@EXAMPLE.ORG", OWNER),
        ("applicant.ſcans@example.org", OWNER),  # long s: NFKC
        ("Straße@Example.org", "strasse@example.org"),  # full case folding, not lower()
        ("ivan@Пример.РФ", "ivan@xn--e1afmkfd.xn--p1ai"),  # IDNA domain
        (" ＡＢ@example.org ", "ab@example.org"),  # full-width letters: NFKC
        ("+7 (916) 123-45-67", "+79161234567"),
        ("8 916 123 45 67", "+79161234567"),
    ],
)
def test_identifiers_have_one_normal_form(typed, stored):
    """Every way of typing an identifier gives its one stored form."""
    assert identifiers.normalise_identifier(typed) == stored


def test_unicode_variants_count_against_the_account_and_do_not_log_in(client, owner):
    """Five failures lock the account; dotless-ı, upper-case and long-s variants count against it and do not log in."""
    for n, typed in enumerate((OWNER, OWNER, *VARIANTS), start=1):
        assert attempt(client, typed, "wrong", n).status_code == 200
    assert lockout.failures_against(owner) == 5
    for n, typed in enumerate(VARIANTS, start=10):
        response = attempt(client, typed, PASSWORD, n)
        assert SESSION_KEY not in client.session  # no variant logs in with the password alone
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert response["Location"] == CODE  # the account itself: past the limit it asks for the code
    assert attempt(client, "applıcant.scans@example.org", PASSWORD, 20).status_code == 200  # no such account


def test_the_database_refuses_an_account_differing_only_by_unicode_case(owner):
    """A second account whose e-mail differs only by case or a long s is refused by the unique constraint."""
    for email in ("Applicant.Scans@Example.ORG", "applicant.ſcans@example.org"):
        with pytest.raises(IntegrityError), transaction.atomic():
            Account.objects.create_user(email, PASSWORD, phone=None)
    assert Account.objects.filter(email=OWNER).count() == 1


def test_log_in_looks_up_the_normal_form_only(client, owner):
    """Typed in any case or with a long s, the address logs in; a look-alike with a dotless ı does not."""
    assert attempt(client, "Applicant.ſcans@EXAMPLE.org", PASSWORD, 1)["Location"] == reverse("registration:cabinet")
    client.post(reverse("registration:logout"))
    assert attempt(client, "applıcant.scans@example.org", PASSWORD, 2).status_code == 200


@pytest.mark.parametrize(
    "email",
    [
        "applıcant.scans@example.org",  # dotless ı
        "applicant.scans@exаmple.org",  # Cyrillic а in a Latin domain
        "scans@аррӏе.com",  # a wholly Cyrillic imitation of apple.com
    ],
)
def test_confusable_addresses_are_refused_at_registration(email):
    """An address with look-alike or mixed-script letters gets the ``email_confusable`` field error."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        identifiers.check_registration_email(email)
    assert caught.value.code == "email_confusable"


@pytest.mark.parametrize("email", ["ivan@пример.рф", "Person@Example.org"])
def test_addresses_in_one_script_are_accepted(email):
    """An address in one script that imitates nothing is accepted, in its normal form."""
    assert identifiers.check_registration_email(email) == identifiers.normalise_email(email)


def test_the_contacts_step_refuses_a_confusable_address(wizard):
    """The wizard's contacts step answers a look-alike domain with the translated ``email_confusable`` error."""
    from registration.onboarding import steps as S

    wizard.run_until(S.CONTACTS)
    data = {"email": "anna@exаmple.org", "phone": "+79161234567"}  # a Cyrillic а in the domain
    response = wizard.post(S.CONTACTS, data, HTTP_ACCEPT_LANGUAGE="ru")
    assert [error.code for error in response.context["form"].errors.as_data()["email"]] == ["email_confusable"]
    assert "алфавит" in str(response.context["form"].errors["email"][0])
