"""A file format never goes to a terminal, and an output folder holds one run's files (issue 13, point 5)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from auditor.lab.server import LabServer
from tests.conftest import run_cli
from tests.helpers import on_a_terminal

Lab = Callable[[str], LabServer]


def test_a_file_format_never_goes_to_a_terminal(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("insecure-defaults")
    first = run_cli("scan", "--om-url", lab.url, "--format", "json", "--output-dir", str(tmp_path / "a"))
    report = tmp_path / "a" / "report.json"
    code, shown = on_a_terminal(["merge", str(report), "--format", "html", "--output-dir", str(tmp_path / "b")])
    assert code == 1 and "<html" not in shown and shown.startswith("Summary: ")
    code, shown = on_a_terminal(["merge", str(report), "--format", "json", "--format", "html", "--output-dir",
                                     str(tmp_path / "c")])
    assert '"findings"' not in shown and "Summary: " in shown
    # a pipe gets the first format only when no output folder is named (issue 24: as Trivy does), or
    # with `-o -`, which writes no file
    piped = run_cli("merge", str(report), "--format", "json", "--format", "html", "--output-dir", str(tmp_path / "d"))
    assert piped.stdout.startswith("Summary: ") and piped.stdout.count("\n") == 1
    assert (tmp_path / "d" / "report.json").is_file()
    quiet = run_cli("merge", str(report), "--format", "json", "-q", "--output-dir", str(tmp_path / "e"))
    assert quiet.stdout == "" and (tmp_path / "e" / "report.json").is_file()
    unnamed = run_cli("merge", str(report), "--format", "json", cwd=tmp_path)
    assert unnamed.stdout.lstrip().startswith("{") and (tmp_path / "reports" / "latest" / "report.json").is_file()
    dash = tmp_path / "dash"
    dash.mkdir()
    to_stdout = run_cli("merge", str(report), "--format", "json", "--format", "html", "-o", "-", cwd=dash)
    assert to_stdout.stdout.lstrip().startswith("{") and list(dash.iterdir()) == []
    assert first.code == piped.code == quiet.code == unnamed.code == to_stdout.code == 1


def test_a_second_run_into_one_folder_leaves_only_its_own_files(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("insecure-defaults")
    out = tmp_path / "out"
    out.mkdir()
    run_cli("scan", "--om-url", lab.url, "--format", "json", "--format", "html", "--output-dir", str(out))
    assert {p.name for p in out.iterdir()} == {"report.json", "report.html", ".omaudit-files"}
    again = run_cli("scan", "--om-url", lab.url, "--format", "csv", "--output-dir", str(out))
    assert {p.name for p in out.iterdir()} == {"report.csv", ".omaudit-files"}
    assert "warning" not in again.stderr


def test_without_a_manifest_foreign_files_stay_and_are_named(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("insecure-defaults")
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.html").write_text("<p>someone else's</p>")
    (out / "notes.txt").write_text("mine")
    result = run_cli("scan", "--om-url", lab.url, "--format", "csv", "--output-dir", str(out))
    assert (out / "report.html").read_text() == "<p>someone else's</p>" and (out / "notes.txt").exists()
    assert "also holds report.html from an earlier run (no manifest): left in place" in result.stderr


def test_parallel_runs_into_one_folder_each_leave_a_whole_set(lab_factory: Lab, tmp_path: Path) -> None:
    """The folder is locked while a run reads its manifest, writes and prunes: the last run's files
    are all there, and the manifest names exactly them."""
    import subprocess
    import sys

    lab = lab_factory("insecure-defaults")
    out = tmp_path / "out"
    out.mkdir()
    sets = [["json", "html"], ["csv"], ["sarif", "markdown"], ["junit"]]
    procs = [subprocess.Popen([sys.executable, "-m", "auditor", "scan", "--om-url", lab.url, "--no-cognito",
                               *[a for f in formats for a in ("--format", f)], "--output-dir", str(out)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for formats in sets]
    assert [p.wait(timeout=120) for p in procs] == [1, 1, 1, 1]
    listed = set((out / ".omaudit-files").read_text().split())
    assert {p.name for p in out.iterdir()} == {*listed, ".omaudit-files"}


def test_a_directory_in_the_place_of_an_old_report_is_left_and_named(lab_factory: Lab, tmp_path: Path) -> None:
    lab = lab_factory("insecure-defaults")
    out = tmp_path / "out"
    out.mkdir()
    (out / ".omaudit-files").write_text("report.html\n")
    (out / "report.html").mkdir()
    result = run_cli("scan", "--om-url", lab.url, "--format", "csv", "--output-dir", str(out))
    assert result.code == 1 and (out / "report.csv").is_file() and (out / "report.html").is_dir()
    assert "could not remove the earlier report.html" in result.stderr
