"""Conventions of the ecosystem (issue 13, point 6): -h, --fail-on none, globs and categories in
--rules, case-insensitive formats, -q on every command, shell completion. Offline, on a saved snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import DATA, ROOT
from tests.conftest import run_cli_in_process as run_cli

SNAPSHOT = str(DATA / "snapshots" / "seed-walkthrough.json")


@pytest.mark.parametrize("args", [["-h"], ["scan", "-h"], ["rules", "-h"], ["lab", "serve", "-h"]])
def test_dash_h_is_help(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.code == 0 and result.stdout.lstrip().startswith("Usage: omaudit")


def test_scan_help_is_grouped_into_panels_and_names_the_choices() -> None:
    result = run_cli("scan", "-h", env={"COLUMNS": "100"})
    panels = [line.strip("╭─ ").split(" ─")[0] for line in result.stdout.splitlines() if line.startswith("╭")]
    assert panels == ["Options", "Target", "Output", "Rules and gate", "TLS and probe safety", "AWS", "Fleet",
                      "Configuration files"]
    active = next(line for line in result.stdout.splitlines() if "--active" in line)
    assert "<bool>" not in active  # a flag takes no value
    assert "SEVERITY" in result.stdout and "critical, or none" in result.stdout
    assert "\x1b" not in result.stdout  # no colour codes into a pipe


def test_fail_on_none_is_a_soft_gate(tmp_path: Path) -> None:
    hard = run_cli("audit", SNAPSHOT, "--format", "json", "--output-dir", str(tmp_path / "a"))
    soft = run_cli("audit", SNAPSHOT, "--format", "json", "--fail-on", "none", "--output-dir", str(tmp_path / "b"))
    assert hard.code == 1 and soft.code == 0
    assert soft.json()["summary"]["FAIL"] == hard.json()["summary"]["FAIL"] > 0


def test_format_names_are_case_insensitive(tmp_path: Path) -> None:
    result = run_cli("audit", SNAPSHOT, "--format", "JSON", "--format", "Html", "--output-dir", str(tmp_path))
    assert result.code == 1 and (tmp_path / "report.json").is_file() and (tmp_path / "report.html").is_file()


@pytest.mark.parametrize(("selection", "prefixes"), [
    (["--rules", "OMA10*"], {"OMA10"}),
    (["--rules", "oma30*,OMA401"], {"OMA30", "OMA40"}),
    (["--rules", "openmetadata"], {"OMA1"}),
    (["--rules", "cognito"], {"OMA2", "OMA3", "OMA4"}),
    (["--skip-rules", "cognito"], {"OMA1", "OMA5"}),
    (["--rules", "config_files"], {"OMA5"}),
    (["--rules", "cognito_pool", "--skip-rules", "OMA21*"], {"OMA20"}),
])
def test_rule_globs_and_categories(selection: list[str], prefixes: set[str], tmp_path: Path) -> None:
    result = run_cli("audit", SNAPSHOT, *selection, "--format", "json", "--output-dir", str(tmp_path))
    ids = {f["rule_id"] for f in result.json()["findings"]}
    assert ids and {i for i in ids if not i.startswith(tuple(prefixes))} == set()
    lengths = {len(p) for p in prefixes}
    assert {i[:n] for i in ids for n in lengths} >= prefixes


def test_a_selection_that_matches_no_rule_is_exit_2(tmp_path: Path) -> None:
    result = run_cli("audit", SNAPSHOT, "--rules", "OMA9*", "--output-dir", str(tmp_path))
    assert result.code == 2 and "no rule matches 'OMA9*'" in result.stderr


def test_quiet_on_every_command(tmp_path: Path) -> None:
    loud = run_cli("audit", SNAPSHOT, "--format", "json", "--output-dir", str(tmp_path / "a"))
    quiet = run_cli("audit", SNAPSHOT, "-q", "--format", "json", "--output-dir", str(tmp_path / "b"))
    assert "wrote" in loud.stderr and quiet.stderr == ""
    assert quiet.json()["summary"] == loud.json()["summary"] and quiet.code == loud.code == 1
    merged = run_cli("--quiet", "merge", str(tmp_path / "a" / "report.json"), "--format", "json", "--output-dir",
                     str(tmp_path / "c"))
    assert merged.code == 1 and merged.stderr == ""


def test_shell_completion_is_offered() -> None:
    """The completion script that `--install-completion` installs, asked for by click's own variable
    (without shell detection, which depends on the parent processes)."""
    from tests.conftest import run_cli as in_a_process

    result = in_a_process(env={"_OMAUDIT_COMPLETE": "source_bash"})
    assert result.code == 0 and "_omaudit_completion" in result.stdout


def test_every_option_from_the_environment_and_a_named_settings_file(tmp_path: Path) -> None:
    """Precedence: the flag, then OMAUDIT_<COMMAND>_<OPTION>, then the settings file, then the default.
    A file that can weaken the gate is taken only when named (--settings, OMAUDIT_SETTINGS)."""
    settings = tmp_path / "omaudit.toml"
    settings.write_text('fail_on = "none"\n[audit]\nformat = ["json", "csv"]\n')
    from_file = run_cli("--settings", str(settings), "audit", SNAPSHOT, "--output-dir", str(tmp_path / "a"))
    assert from_file.code == 0 and sorted(p.name for p in (tmp_path / "a").glob("report.*")) == [
        "report.csv", "report.json"]
    from_env = run_cli("audit", SNAPSHOT, "--output-dir", str(tmp_path / "b"),
                       env={"OMAUDIT_AUDIT_FAIL_ON": "high", "OMAUDIT_SETTINGS": str(settings)})
    assert from_env.code == 1
    from_flag = run_cli("audit", SNAPSHOT, f"--settings={settings}", "--fail-on", "critical", "--output-dir",
                        str(tmp_path / "c"), env={"OMAUDIT_AUDIT_FAIL_ON": "none"})
    assert from_flag.code == 1  # seed-walkthrough fails two critical rules
    settings.write_text("[scan]\nfial_on = 1\n")
    typo = run_cli("audit", SNAPSHOT, cwd=tmp_path)
    assert typo.code == 2 and "[scan] has no option 'fial_on'" in typo.stderr


def test_tool_omaudit_in_pyproject(tmp_path: Path) -> None:
    """A pyproject.toml found in the working folder may only make the gate stricter."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.omaudit]\nfail_on = "critical"\n')
    found = run_cli("audit", SNAPSHOT, "--format", "json", "--output-dir", str(tmp_path / "o"), cwd=tmp_path)
    assert found.code == 2 and "'fail_on' is not taken from a settings file found in the working folder" in found.stderr
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.omaudit]\nfail_on = "low"\n'
                                             '[tool.omaudit.audit]\nformat = ["json"]\n')
    stricter = run_cli("audit", SNAPSHOT, "--output-dir", str(tmp_path / "p"), cwd=tmp_path)
    assert stricter.code == 1 and (tmp_path / "p" / "report.json").is_file()


def test_sarif_rules_carry_help_uri_and_markdown(tmp_path: Path) -> None:
    import json

    run_cli("audit", SNAPSHOT, "--format", "sarif", "--output-dir", str(tmp_path))
    rules = json.loads((tmp_path / "report.sarif").read_text())["runs"][0]["tool"]["driver"]["rules"]
    oma104 = next(r for r in rules if r["id"] == "OMA104")
    assert oma104["helpUri"].endswith("/docs/rules.md#oma104")
    assert "## Fix" not in oma104["help"]["markdown"] and oma104["help"]["markdown"].strip()


@pytest.mark.parametrize("command", ["scan", "collect", "audit", "merge", "demo"])
def test_help_has_examples_and_names_the_environment(command: str) -> None:
    result = run_cli(command, "-h")
    assert result.code == 0 and "Example" in result.stdout
    assert f"OMAUDIT_{command.upper()}_" in result.stdout  # each option's variable is listed


@pytest.mark.parametrize(("name", "text", "phrase"), [
    ("pyproject.toml", "[tool]\nomaudit = 1\n", "[tool.omaudit] must be a table"),
    ("omaudit.toml", "a = " + "[" * 3000 + "]" * 3000 + "\n", "not valid TOML"),
    ("omaudit.toml", "fail_on = \n", "not valid TOML"),
])
def test_a_broken_settings_file_is_one_line(name: str, text: str, phrase: str, tmp_path: Path) -> None:
    (tmp_path / name).write_text(text)
    result = run_cli("audit", SNAPSHOT, cwd=tmp_path)
    assert result.code == 2 and phrase in result.stderr and len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("key", ["active = true", "om_token_file = 'x'", "[scan]\nstate_dir = '/tmp/x'",
                                 "[scan]\ninsecure = true", "[scan]\nrules_dir = ['ci_rules']",
                                 "inventory = 'fleet.toml'", "[scan]\nom_url = 'http://127.0.0.1:9'",
                                 "[scan]\naws_endpoint_url = 'http://127.0.0.1:9'", "[scan]\naws_profile = 'p'"])
@pytest.mark.parametrize("named", [False, True])
def test_a_settings_file_never_runs_code_names_credentials_or_weakens_tls(key: str, named: bool,
                                                                         tmp_path: Path) -> None:
    """No settings file, found or named, may start active probes, send a file as the token, move the
    probe ledger, switch TLS checks off, load rule code, or name targets and where credentials go."""
    (tmp_path / "omaudit.toml").write_text(key + "\n")
    extra = ["--settings", str(tmp_path / "omaudit.toml")] if named else []
    result = run_cli(*extra, "audit", SNAPSHOT, cwd=tmp_path)
    assert result.code == 2 and "cannot be set in a settings file" in result.stderr


@pytest.mark.parametrize("variable", ["OMAUDIT_VERSION", "OMAUDIT_HELP", "OMAUDIT_AUDIT_HELP",
                                      "OMAUDIT_INSTALL_COMPLETION"])
def test_eager_options_never_come_from_the_environment(variable: str, tmp_path: Path) -> None:
    """Issue 24, point 2: OMAUDIT_VERSION=0.1.0 (a pin in CI) printed the version and exited 0 without
    scanning: a green gate that judged nothing."""
    result = run_cli("audit", SNAPSHOT, "--format", "json", "--output-dir", str(tmp_path), env={variable: "0.1.0"})
    assert result.code == 1 and (tmp_path / "report.json").is_file() and "omaudit 0.1.0" not in result.stdout


def test_rules_list_speaks_json_for_tools() -> None:
    """Issue 24, point 9: `rules list --format json`, one object per rule; an unknown format is exit 2."""
    import json

    listed = run_cli("rules", "list", "--format", "json")
    rules = json.loads(listed.stdout)
    assert listed.code == 0 and [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    by_id = {r["id"]: r for r in rules}
    assert by_id["OMA104"]["severity"] == "critical" and by_id["OMA101"]["active"] is True
    assert by_id["OMA205"]["needs"] == ["cognito.user_pool", "cognito.clients", "cognito.identity_providers"]
    wrong = run_cli("rules", "list", "-f", "xml")
    assert wrong.code == 2 and "choose from table, json" in wrong.stderr


def test_the_env_file_help_says_a_later_file_wins() -> None:
    """Issue 24, point 10: the help said 'the first wins'; a later --env-file wins, as Compose's list."""
    shown = run_cli("scan", "--help", env={"COLUMNS": "200"})
    assert "a later file wins" in shown.stdout and "the first wins" not in shown.stdout


def test_lab_serve_help_lists_exactly_the_lab_scenarios() -> None:
    """Issue 24, point 10: `lab serve --help` names the scenarios; the list kept in the CLI (so that help
    never imports the lab) is the lab's own."""
    from auditor.cli.lab_commands import SCENARIO_NAMES
    from auditor.lab.scenarios import SCENARIOS

    assert set(SCENARIO_NAMES) == {*SCENARIOS, "hostile"}
    shown = run_cli("lab", "serve", "--help", env={"COLUMNS": "300"})
    assert all(name in shown.stdout for name in SCENARIO_NAMES)


def test_sarif_links_point_into_the_declared_repository() -> None:
    """Issue 24, point 9: helpUri pointed at a repository pyproject.toml did not declare."""
    import tomllib

    from auditor.render import sarif

    urls = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]
    assert urls["Repository"] == sarif.INFORMATION_URI
    assert urls["Documentation"] == f"{urls['Repository']}/blob/main/docs/rules.md"


def test_rules_show_wraps_by_words_to_the_terminal() -> None:
    """Issue 24, point 9: `rules show` broke lines mid-word at 80 columns."""
    from auditor.cli.rules_commands import wrapped

    text = "- Prowler cognito_user_pool_mfa_enabled; AWS FSBP Cognito.5 and a longer tail of ordinary words"
    lines = wrapped(text, 40).splitlines()
    assert all(len(line) <= 40 for line in lines) and len(lines) > 1
    assert "cognito_user_pool_mfa_enabled;" in " ".join(lines).split()  # no word cut
    assert all(line.startswith("  ") for line in lines[1:])  # a list item's continuation is indented
    assert wrapped(text, 0) == text  # as written in a pipe


def test_no_option_shows_a_python_type_as_its_placeholder() -> None:
    """Issue 24, point 10: repeatable options showed `<list[Path]>` (typer still shows an argument's
    type: merge's `REPORTS...` reads `<list[Path]>`, left as typer draws it)."""
    for command in (["scan"], ["merge"], ["demo"], ["audit"], ["rules", "list"], ["lab", "serve"]):
        result = run_cli(*command, "--help", env={"COLUMNS": "200"})
        options = [line for line in result.stdout.splitlines() if line.lstrip("│ ").startswith("-")]
        assert result.code == 0 and options and not any("list[" in line for line in options), command
