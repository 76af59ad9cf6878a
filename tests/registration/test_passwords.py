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
