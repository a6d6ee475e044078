"""Golden files: each format rendered from recorded lab snapshots must match byte for byte.

Regenerate after an intended change: OMAUDIT_UPDATE_GOLDEN=1 .venv/bin/pytest tests/test_golden.py
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from auditor.engine.catalogue import load_rules
from auditor.facts.snapshot import load_snapshots
from auditor.render import renderers
from auditor.report.model import Report
from auditor.report.paths import attack_paths
from auditor.scan.service import audit
from auditor.scan.target import AuditOptions
from tests.conftest import DATA, ROOT

SCENARIOS = sorted(p.stem for p in (DATA / "snapshots").glob("*.json"))
FILE_FORMATS = ("json", "sarif", "junit", "markdown", "html", "csv")
UPDATE = os.environ.get("OMAUDIT_UPDATE_GOLDEN") == "1"


def recorded_report(scenario: str) -> Report:
    snaps = load_snapshots((DATA / "snapshots" / f"{scenario}.json").read_text())
    report = audit(snaps, load_rules(), "2026-11-26T07:00:00Z", options=AuditOptions(today=dt.date(2026, 11, 26)))
    return dataclasses.replace(report, finished_at="2026-11-26T07:00:01Z")


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize("fmt", ("table", *FILE_FORMATS))
def test_golden(scenario: str, fmt: str) -> None:
    renderer = renderers()[fmt]
    text = renderer.render(recorded_report(scenario))
    golden = DATA / "golden" / scenario / (renderer.filename or "table.txt")
    if UPDATE:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
    assert text == golden.read_text(), f"{golden} is stale: rerun with OMAUDIT_UPDATE_GOLDEN=1 if intended"


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_json_matches_the_committed_schema(scenario: str) -> None:
    schema = json.loads((ROOT / "docs" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(renderers()["json"].render(recorded_report(scenario))), schema,
                        cls=jsonschema.Draft202012Validator)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_sarif_validates_against_the_official_schema(scenario: str) -> None:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    sarif = json.loads(renderers()["sarif"].render(recorded_report(scenario)))
    jsonschema.validate(sarif, schema, cls=jsonschema.Draft4Validator)
    run = sarif["runs"][0]
    paths = [r for r in run["results"] if r["ruleId"].startswith("OMA-P")]
    fails = [r for r in run["results"] if "suppressions" not in r and r not in paths]
    assert len(fails) == recorded_report(scenario).summary()["FAIL"]
    assert len(paths) == len(attack_paths(recorded_report(scenario).findings))  # one result per attack path
    for result in run["results"]:
        assert len(result["partialFingerprints"]["omauditPath/v1" if result in paths else "omauditFinding/v1"]) == 32
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["help"]["text"] and float(rule["properties"]["security-severity"]) >= 0


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_junit_counts_match_the_json_summary(scenario: str) -> None:
    report = recorded_report(scenario)
    root = ET.fromstring(renderers()["junit"].render(report))
    summary = report.summary()
    assert int(root.get("tests", "-1")) == sum(summary.values())
    assert int(root.get("failures", "-1")) == summary["FAIL"]
    assert int(root.get("errors", "-1")) == summary["ERROR"]
    assert int(root.get("skipped", "-1")) == summary["SKIPPED"] + summary["MUTED"]
    for suite in root.iter("testsuite"):
        for key in ("tests", "failures", "errors", "skipped"):
            assert suite.get(key) is not None
        assert int(suite.get("tests", "0")) == len(list(suite.iter("testcase")))


def test_csv_neutralises_formula_cells() -> None:
    report = recorded_report("insecure-defaults")
    hostile = dataclasses.replace(report.findings[0], message="=HYPERLINK(\"http://evil\")")
    text = renderers()["csv"].render(dataclasses.replace(report, findings=(hostile,)))
    assert "'=HYPERLINK" in text


def test_html_escapes_server_controlled_text() -> None:
    report = recorded_report("insecure-defaults")
    hostile = dataclasses.replace(report.findings[0], message="<script>alert(1)</script>",
                                  evidence={"x": "</pre><img src=x onerror=alert(1)>"})
    page = renderers()["html"].render(dataclasses.replace(report, findings=(hostile,)))
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_every_file_format_is_in_the_golden_set() -> None:
    assert {r.name for r in renderers().values() if r.filename} == set(FILE_FORMATS)
    assert Path(DATA / "golden").is_dir()
