"""The alerting rules (deploy/prometheus/alerts.yml) name only metrics the site serves, each with a delay
and a severity; ``promtool`` checks the file and fires each alert on its test series where it is installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from registration.scheduler.schedule import SCHEDULE
from tests.registration.test_operations_metrics import scrape  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "deploy" / "prometheus" / "alerts.yml"
SEVERITIES = {"page", "ticket"}
#: Metrics from outside the site: Prometheus' own scrape status and the blackbox exporter's probe of /readyz.
EXTERNAL = {"up", "probe_success"}
#: PromQL's functions, aggregations and keywords (what is left of an expression once its metrics are named).
PROMQL = {
    "sum", "max", "min", "avg", "count", "rate", "increase", "deriv", "delta", "time", "absent", "vector",
    "clamp_min", "histogram_quantile", "and", "or", "unless", "bool", "offset",
}  # fmt: skip


def rules() -> list[dict]:
    document = yaml.safe_load(RULES.read_text())
    return [rule for group in document["groups"] for rule in group["rules"]]


def metric_names(expr: str) -> set[str]:
    """The metric names an expression reads: label matchers, strings, ranges, grouping clauses and numbers
    are removed first, then PromQL's own words."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', "", expr)
    text = re.sub(r"\{[^}]*\}", "", text)
    text = re.sub(r"\[[^\]]*\]", "", text)
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    text = re.sub(r"\b\d+(?:\.\d+)?(?:e-?\d+)?[smhdwy]?\b", "", text)
    return set(re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", text)) - PROMQL


def served_names(text: str) -> set[str]:
    """Every sample name the families of a scrape can have (counters' ``_total``, histograms' ``_bucket``…),
    whether or not a sample has been counted yet."""
    names = set()
    for family in text_string_to_metric_families(text):
        suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count")}.get(family.type, ("",))
        names.update(family.name + suffix for suffix in suffixes)
    return names


@pytest.fixture
def site_metrics(settings, tmp_path, scrape):  # noqa: F811
    """The names of everything /metrics serves with every collector on (database tasks, backups' status)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    settings.REGISTRATION_BACKUP_STATUS_FILE = str(tmp_path / "last-success.json")
    return served_names(scrape().text)


def test_the_expression_parser_finds_the_metrics():
    expr = 'histogram_quantile(0.95, sum by (le, step) (rate(a_bucket{x="1,2"}[10m]))) > 2.5 and up{job="r"} == 0'
    assert metric_names(expr) == {"a_bucket", "up"}
    assert metric_names("time() - max(b_seconds) > 26 * 3600 or vector(0)") == {"b_seconds"}


@pytest.mark.django_db
def test_every_metric_of_every_rule_is_served_by_the_site(site_metrics):
    assert {"registration_tasks_oldest_due_seconds", "registration_backup_last_success_timestamp_seconds"} <= (
        site_metrics
    )
    used = set()
    for rule in rules():
        names = metric_names(rule["expr"])
        assert names, rule["alert"]
        unknown = {name for name in names if name not in site_metrics and name not in EXTERNAL}
        assert not unknown, f"{rule['alert']} reads metrics the site does not serve: {unknown}"
        used |= names
    # Each of the paging concerns has its rule.
    for name in (
        "registration_sms_gateway_errors_total",
        "registration_codes_failed_total",
        "registration_codes_sent_total",
        "registration_registrations_total",
        "registration_tasks_oldest_due_seconds",
        "registration_tasks_ready",
        "registration_queue_length",
        "registration_payment_provider_errors_total",
        "registration_payment_webhook_refusals_total",
        "registration_lockouts_total",
        "registration_backup_last_success_timestamp_seconds",
        "registration_scheduled_last_enqueued_timestamp_seconds",
        "probe_success",
    ):
        assert name in used, name


def test_every_rule_has_a_delay_a_severity_and_words_for_the_operator():
    names = [rule["alert"] for rule in rules()]
    assert len(names) == len(set(names))
    for rule in rules():
        assert re.fullmatch(r"\d+[smh]", rule.get("for", "")), f"{rule['alert']}: no for:"
        assert rule["labels"]["severity"] in SEVERITIES, rule["alert"]
        assert {"summary", "description", "runbook"} <= set(rule["annotations"]), rule["alert"]
        assert rule["alert"] in (ROOT / "README.md").read_text(), f"{rule['alert']} is not explained in the README"


def test_the_scheduled_entries_named_by_the_rules_exist():
    entries = {entry.name for entry in SCHEDULE}
    named = set()
    for rule in rules():
        for found in re.findall(r'entry=~"([^"]+)"', rule["expr"]):
            named |= set(found.split("|"))
    assert named == entries  # each one watched, none misspelt


@pytest.mark.skipif(shutil.which("promtool") is None, reason="needs promtool (Debian's prometheus package)")
def test_promtool_checks_the_rules_and_fires_each_alert_on_its_series():
    checked = subprocess.run(["promtool", "check", "rules", str(RULES)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"SUCCESS: {len(rules())} rules found" in checked.stdout
    tested = subprocess.run(
        ["promtool", "test", "rules", "alerts_test.yml"], cwd=RULES.parent, capture_output=True, text=True, check=False
    )
    assert tested.returncode == 0, tested.stdout + tested.stderr
