"""Tests for the exception hierarchy, the code registry, and keeping Django out of the library."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import validators
from validators import ERROR_CODES, InvalidChecksum, InvalidFormat, InvalidLength, ScanError, ValidationError

PACKAGE = Path(validators.__file__).parent
REPO = PACKAGE.parent


def test_hierarchy():
    """Callers may catch broadly or narrowly."""
    assert issubclass(ValidationError, ValueError)
    assert issubclass(InvalidLength, InvalidFormat)
    for name in validators.__all__:
        item = getattr(validators, name)
        if isinstance(item, type):
            assert issubclass(item, ValidationError)
            assert item.code in ERROR_CODES
            assert "%(" not in item.message or item.message == ERROR_CODES[item.code]


def test_default_message_and_params():
    """An error keeps its code and params and formats its message."""
    error = InvalidLength(code="snils_length", params={"length": 9})
    assert error.code == "snils_length" and error.params == {"length": 9}
    assert str(error) == "A SNILS has 11 digits, not 9."
    assert repr(error) == "InvalidLength(code='snils_length', params={'length': 9})"
    assert str(InvalidChecksum()) == ERROR_CODES["invalid_checksum"]
    assert InvalidChecksum().code == "invalid_checksum"


def test_custom_message_and_missing_params():
    """A custom message is kept; a placeholder nobody filled shows as an ellipsis, never fails."""
    assert str(ValidationError("Not %(what)s.", params={"what": "this"})) == "Not this."
    assert (
        str(ScanError(code="scan_too_large")) == "The file is larger than … MB: scan at a lower quality or compress it."
    )
    assert str(ValidationError(code="no_such_code")) == ERROR_CODES["invalid"]


def _raised_codes() -> set[str]:
    """Every code="..." literal in the library's source."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        found |= set(re.findall(r'code="([a-z0-9_]+)"', path.read_text(encoding="utf-8")))
    return found


def test_every_raised_code_is_registered():
    """Each code used at a raise site has an English message in ERROR_CODES."""
    codes = _raised_codes() - {"invalid"}
    assert len(codes) > 50
    assert codes <= set(ERROR_CODES), codes - set(ERROR_CODES)


def test_every_registered_code_is_used():
    """No registered code is dead: each appears in a module (or is a class's default)."""
    source = "".join(
        path.read_text(encoding="utf-8")
        for path in PACKAGE.rglob("*.py")
        if path != PACKAGE / "__init__.py" and path.relative_to(PACKAGE).parts[0] not in ("django.py", "django")
    )
    defaults = {
        getattr(validators, name).code for name in validators.__all__ if isinstance(getattr(validators, name), type)
    }
    unused = {code for code in ERROR_CODES if f'"{code}"' not in source} - defaults
    assert not unused


def test_codes_are_snake_case():
    """Codes are stable snake_case identifiers."""
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(_[a-z0-9]+)*", code) for code in ERROR_CODES)


def test_importing_the_library_does_not_import_django():
    """Every module but validators.django stays free of Django."""
    modules = sorted(
        ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
        for path in PACKAGE.rglob("*.py")
        if path.relative_to(PACKAGE).parts[0] not in ("__init__.py", "django.py", "django")
    )
    code = (
        "import sys, validators; "
        + "; ".join(f"import validators.{name}" for name in modules)
        + "; assert 'django' not in sys.modules, sorted(m for m in sys.modules if m.startswith('django'))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False)
    assert result.returncode == 0, result.stderr
    assert "__main__" in modules and "scans" in modules and "scans.pdf" in modules


@pytest.mark.parametrize(
    "module",
    [
        "snils",
        "inn",
        "passport",
        "documents",
        "dates",
        "phone",
        "names",
        "mrz",
        "scans",
        "regions",
        "postcode",
    ],
)
def test_modules_have_docstrings_and_all(module):
    """Each module documents itself and declares its public names, all of them typed."""
    import importlib
    import inspect

    loaded = importlib.import_module(f"validators.{module}")
    assert loaded.__doc__ and ">>>" in loaded.__doc__
    for name in loaded.__all__:
        item = getattr(loaded, name)
        if inspect.isfunction(item):
            assert "return" in item.__annotations__, f"{module}.{name}"
