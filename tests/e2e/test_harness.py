"""The end-to-end machinery itself: it must catch what it claims to catch."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_axe_reports_a_violation_with_rule_and_selector(open_visit):
    """An unlabelled input on a page makes the accessibility check fail, naming the rule and element."""
    visit = open_visit("en", "desktop")
    visit.page.set_content('<!DOCTYPE html><html lang="en"><title>t</title><main><input id="nameless"></main>')
    with pytest.raises(AssertionError) as failure:
        visit.assert_accessible()
    assert "label" in str(failure.value)
    assert "#nameless" in str(failure.value)


def test_sideways_scroll_at_320px_is_measured(open_visit):
    """A block wider than a small phone is reported as horizontal overflow."""
    visit = open_visit("en", "phone")
    head = '<!DOCTYPE html><html lang="en"><meta name="viewport" content="width=device-width, initial-scale=1">'
    visit.page.set_content(head + '<body style="margin:0"><div style="width:400px">x</div>')
    assert visit.horizontal_overflow() == 80
    visit.page.set_content(head + '<body style="margin:0"><p>fits</p>')
    assert visit.horizontal_overflow() == 0


def test_inline_script_is_refused_and_reported(open_visit):
    """The site's Content-Security-Policy blocks inline scripts, and the refusal fails the step."""
    visit = open_visit("en", "desktop")
    visit.go("/register/")
    visit.page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1';"
        " document.body.append(s); }"
    )
    visit.page.wait_for_timeout(100)
    assert visit.page.evaluate("() => window.injected") is None
    with pytest.raises(AssertionError, match="Content Security Policy"):
        visit.assert_no_console_errors()


def _run_pytest(**env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **env}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "tests/e2e/test_pages.py::test_language_switcher_changes_the_page_language",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.without_browser
def test_missing_browser_skips_locally_and_fails_in_ci():
    """Without Chromium the browser tests are skipped with the reason, except under CI=true where they fail."""
    local = _run_pytest(E2E_CHROMIUM="/nonexistent/chromium", CI="false")
    assert local.returncode == 0, local.stdout + local.stderr
    assert "1 skipped" in local.stdout
    assert "Chromium at /nonexistent/chromium" in local.stdout

    ci = _run_pytest(E2E_CHROMIUM="/nonexistent/chromium", CI="true")
    assert ci.returncode == 1, ci.stdout + ci.stderr
    assert "Chromium at /nonexistent/chromium" in ci.stdout
    assert "1 error" in ci.stdout


@pytest.mark.without_browser
def test_e2e_zero_switches_the_browser_tests_off():
    """E2E=0 skips the browser tests even under CI=true."""
    result = _run_pytest(E2E="0", CI="true")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "switched off (E2E=0)" in result.stdout
