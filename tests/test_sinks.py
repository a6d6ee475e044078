"""Every output sink is safe for the server text it carries: the `injection` lab scenario, every format.

The scenario puts terminal escapes, NUL and VT, a bidi override and Markdown/HTML injections into
the version, the callback URL, an admin principal, a bot name and a Cognito client's name and
callback (auditor/lab/scenarios.py INJECTION).
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from auditor.lab.scenarios import INJECTION
from tests.conftest import run_cli, scan_args

ALL = [arg for fmt in ("table", "json", "sarif", "junit", "markdown", "html", "csv") for arg in ("--format", fmt)]
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _scan(lab_factory: object, tmp_path: Path) -> tuple[object, Path]:
    lab = lab_factory("injection")  # type: ignore[operator]
    out = tmp_path / "out"
    result = run_cli("scan", *scan_args(lab), "--active", *ALL, "--output-dir", str(out),
                     env={"OMAUDIT_OM_TOKEN": lab.admin_token})
    assert result.code == 1, result.stderr
    return result, out


def _rendered_outside_code(markdown: str) -> str:
    """The Markdown rendered by a CommonMark parser (with GFM tables), minus <code> elements: what
    GitHub would then scan for @mentions and bare links."""
    from markdown_it import MarkdownIt

    page = MarkdownIt("commonmark").enable("table").render(markdown)
    return re.sub(r"<code>.*?</code>", "", page, flags=re.S)


def test_terminal_output_shows_controls_as_escapes(lab_factory: object, tmp_path: Path) -> None:
    result, _ = _scan(lab_factory, tmp_path)
    for text in (result.stdout, result.stderr):  # type: ignore[attr-defined]
        assert RAW_CONTROLS.search(text) is None, RAW_CONTROLS.search(text)
    assert "\\x1b[2J" in result.stdout  # type: ignore[attr-defined]  # shown, not run


def test_every_file_format_parses_and_carries_no_live_markup(lab_factory: object, tmp_path: Path) -> None:
    _, out = _scan(lab_factory, tmp_path)
    report = json.loads((out / "report.json").read_text())
    assert any(INJECTION[:10] in f["message"] or INJECTION[:10] in f["resource"] for f in report["findings"])
    json.loads((out / "report.sarif").read_text())
    ET.parse(out / "report.junit.xml")  # NUL, ESC and VT would make it unparseable
    assert RAW_CONTROLS.search((out / "report.junit.xml").read_text()) is None  # bidi overrides too
    rows = list(csv.reader(io.StringIO((out / "report.csv").read_text())))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if RAW_CONTROLS.search(c)]  # `cat report.csv` runs nothing
    assert any("\\x1b[2J" in c for c in cells)  # shown, as on the terminal

    live = _rendered_outside_code((out / "report.md").read_text())
    for markup in ("<img", "<a ", "<details><summary>x", "@octocat", "https://evil", "www.", "<code>tick"):
        assert markup not in live, markup
    assert RAW_CONTROLS.search(live) is None

    page = (out / "report.html").read_text()
    for markup in ("<img src=x", "<details><summary>x</summary>", "\x1b"):
        assert markup not in page, markup
