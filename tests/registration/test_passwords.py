"""The portal's password rule on top of Django's validators."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("short1A", {"password_too_short"}),
        ("alllowercase1", {"password_no_upper"}),
        ("ALLUPPERCASE1", {"password_no_lower"}),
        ("NoDigitsHere", {"password_no_digit"}),
        ("Password1", {"password_too_common"}),
    ],
)
def test_weak_passwords_are_refused_with_specific_codes(password, codes):
    """Each missing ingredient has its own error code."""
    with pytest.raises(ValidationError) as info:
        validate_password(password)
    assert codes <= {e.code for e in info.value.error_list}


def test_good_password_passes():
    """Eight or more characters with upper, lower and digits pass."""
    validate_password("Tverskaya-2024-Moskva")


def test_argon2_hashes_in_the_configured_lanes_and_upgrades_django_hashes(settings):
    """Our Argon2id uses REGISTRATION_ARGON2_PARALLELISM lanes; a hash of Django's (8 lanes) verifies and is renewed."""
    from django.contrib.auth import hashers

    settings.PASSWORD_HASHERS = ["registration.accounts.passwords.Argon2PasswordHasher"]
    ours = hashers.make_password("Correct-Horse-42")
    assert ours.startswith("argon2$argon2id$") and ",p=1$" in ours
    django_made = hashers.Argon2PasswordHasher().encode("Correct-Horse-42", hashers.Argon2PasswordHasher().salt())
    assert ",p=8$" in django_made
    assert hashers.check_password("Correct-Horse-42", django_made)
    assert hashers.get_hasher("argon2").must_update(django_made) and not hashers.get_hasher("argon2").must_update(ours)
    settings.REGISTRATION_ARGON2_PARALLELISM = 2
    assert ",p=2$" in hashers.make_password("Correct-Horse-42")
