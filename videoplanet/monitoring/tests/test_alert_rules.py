"""deploy/prometheus/contract-alerts.yml: valid for Prometheus, unit-tested, and about
metrics /metrics really serves.

`promtool` (Debian's `prometheus` package; `.ci/run` installs it) checks the rules and
runs their unit tests (contract-alerts.test.yml); without it those two tests skip. The
structural checks below need only PyYAML and always run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from videoplanet.monitoring.metrics import exposition
from videoplanet.monitoring.services import violations_store

from .conftest import entry, report

RULES_DIR = Path(__file__).resolve().parents[3] / "deploy" / "prometheus"
RULES = RULES_DIR / "contract-alerts.yml"
RULE_TESTS = RULES_DIR / "contract-alerts.test.yml"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool is not installed (apt-get install prometheus)"
)


def rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return [rule for group in document["groups"] for rule in group["rules"]]


@needs_promtool
def test_promtool_accepts_the_rules() -> None:
    result = subprocess.run(
        [str(PROMTOOL), "check", "rules", str(RULES)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rules())} rules found" in result.stdout


@needs_promtool
def test_the_rules_fire_as_their_unit_tests_expect() -> None:
    result = subprocess.run(
        [str(PROMTOOL), "test", "rules", RULE_TESTS.name],
        cwd=RULES_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    tested = set(re.findall(r"alertname: (\w+)", RULE_TESTS.read_text(encoding="utf-8")))
    assert tested == {rule["alert"] for rule in rules()}  # every alert has a test


def test_every_rule_is_a_named_alert_with_severity_and_explanations() -> None:
    document = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    names = [group["name"] for group in document["groups"]]
    assert len(names) == len(set(names))
    found = rules()
    alerts = [rule["alert"] for rule in found]
    assert len(alerts) == len(set(alerts)), "alert names must be unique"
    for rule in found:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert re.fullmatch(r"\d+[smh]", rule["for"]), rule["alert"]
        assert rule["labels"]["severity"] in {"warning", "critical"}, rule["alert"]
        assert {"summary", "description"} <= set(rule["annotations"]), rule["alert"]


@pytest.mark.django_db
def test_the_rules_use_only_metrics_the_app_exposes(anon: Any) -> None:
    violations_store(source="server", report=report(entry(), dropped=1))
    anon.get("/api/v1/me")  # a request counted
    exposed = {
        sample.name
        for family in text_string_to_metric_families(exposition().decode())
        for sample in family.samples
    }
    used = {
        name
        for rule in rules()
        for name in re.findall(r"\b(contract_\w+|videoplanet_\w+)", rule["expr"])
    }
    assert used == {
        "contract_violations_total",
        "contract_violations_dropped_total",
        "videoplanet_http_requests_total",
    }
    assert used <= exposed


def test_a_critical_rule_never_rests_on_one_sources_raw_count() -> None:
    # What one client can drive on its own (the server's view of its requests, one
    # consumer's reports) pages nobody: each critical rule needs two sources or a ratio.
    for rule in rules():
        if rule["labels"]["severity"] != "critical":
            continue
        expr = rule["expr"]
        assert ">= 2" in expr or " / on " in expr, rule["alert"]
