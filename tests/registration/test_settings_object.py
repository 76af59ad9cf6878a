"""The one settings object (``registration.core.conf``): read when used, documented once, in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import override_settings

from registration.core.conf import SETTINGS, app_settings

ROOT = Path(__file__).resolve().parents[2]
HEADING = "### The site's settings"


def readme_rows() -> list[str]:
    """The rows of the README's table of the site's settings, as written."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(HEADING, 1)[1].split("\n#", 1)[0]
    return [line for line in section.splitlines() if line.startswith("| `REGISTRATION_")]


def rendered_rows() -> list[str]:
    return [f"| `{s.setting_name}` | `{s.default!r}` | {s.doc} |" for s in SETTINGS]


def test_the_readme_table_is_the_settings_object():
    """Every setting is in the README's table with its default and meaning, in order, and nothing else is."""
    assert readme_rows() == rendered_rows()


def test_every_registration_setting_named_anywhere_exists():
    """A ``REGISTRATION_*`` name in the README, the settings modules or .env.example is one the object knows."""
    known = {setting.setting_name for setting in SETTINGS}
    for path in [ROOT / "README.md", ROOT / ".env.example", *sorted((ROOT / "config" / "settings").glob("*.py"))]:
        named = set(re.findall(r"\bREGISTRATION_[A-Z0-9_]+\b", path.read_text(encoding="utf-8")))
        assert named <= known, f"{path.name}: {sorted(named - known)}"


def test_only_the_settings_object_reads_the_settings():
    """No module of the site reads a ``REGISTRATION_*`` setting past the object."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "registration").rglob("*.py"))
        if path != ROOT / "registration/core/conf.py"
        and re.search(r"settings\.REGISTRATION_|settings, [\"']REGISTRATION_", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_settings_are_read_when_used():
    """``override_settings`` changes what the object answers, and the default comes back after."""
    assert app_settings.CODE_TTL == 600
    with override_settings(REGISTRATION_CODE_TTL=5):
        assert app_settings.CODE_TTL == 5
    assert app_settings.CODE_TTL == 600


def test_an_unknown_setting_is_an_error():
    """A typo in a setting's name fails loudly instead of reading a default."""
    with pytest.raises(AttributeError, match="REGISTRATION_CODE_TTLL"):
        _ = app_settings.CODE_TTLL
