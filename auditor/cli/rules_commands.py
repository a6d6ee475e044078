"""`omaudit rules list|show|docs`: the catalogue, for people."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from typing import TYPE_CHECKING, Annotated

import typer

from auditor.cli.app import EXIT_OK, rules_app
from auditor.cli.options import RulesDirs
from auditor.common.errors import InputError

if TYPE_CHECKING:
    pass


ListFormat = Annotated[str, typer.Option("--format", "-f", help="table (for people) or json (for tools: one object "
                                       "per rule with id, name, severity, active, summary, needs).")]


@rules_app.command("list")
def rules_list(rules_dir: RulesDirs = None, format: ListFormat = "table") -> int:
    """One line per rule: ID, severity, name, and whether it is an active probe."""
    # lazy: --version and --help start without the modules only this command needs
    from tabulate import tabulate

    from auditor.engine.catalogue import load_rules

    chosen = format.strip().lower()
    if chosen not in ("table", "json"):
        raise InputError(f"unknown --format {format!r} for rules list (choose from table, json)")
    rules = load_rules(rules_dir or ())
    if chosen == "json":
        typer.echo(json.dumps([{"id": r.meta.id, "name": r.meta.name, "severity": r.meta.severity.label,
                                "active": r.meta.active, "summary": r.title, "needs": list(r.meta.needs)}
                               for r in rules], indent=2))
        return EXIT_OK
    rows = [(r.meta.id, r.meta.severity.label, r.meta.name, "active" if r.meta.active else "", r.title)
            for r in rules]
    typer.echo(tabulate(rows, headers=("ID", "Severity", "Name", "Probe", "Summary"), tablefmt="simple"))
    return EXIT_OK


@rules_app.command("show")
def rules_show(rule_id: Annotated[str, typer.Argument(help="A rule ID such as OMA104.")],
               rules_dir: RulesDirs = None) -> int:
    """Print a rule's documentation: why it matters and how to fix it."""
    # lazy: --version and --help start without the modules only this command needs
    from auditor.engine.catalogue import load_rules

    wanted = rule_id.strip().upper()
    for rule in load_rules(rules_dir or ()):
        if rule.meta.id == wanted:
            head = (f"{rule.meta.id} {rule.meta.name} (severity {rule.meta.severity.label}"
                    f"{', active probe' if rule.meta.active else ''}; needs {', '.join(rule.meta.needs)})")
            width = shutil.get_terminal_size((0, 0)).columns if sys.stdout.isatty() else 0
            typer.echo(wrapped(head, width) + "\n")
            typer.echo(wrapped(rule.doc.strip(), width))
            return EXIT_OK
    raise InputError(f"unknown rule id {rule_id!r} (see 'omaudit rules list')")


def wrapped(text: str, width: int) -> str:
    """The text refilled to a terminal's width by words (never mid-word; a list item's continuation is
    indented); as written when not on a terminal (`width` 0), for pipes and tools."""
    if width < 20:
        return text
    out: list[str] = []
    for line in text.splitlines():
        indent = len(line) - len(line.lstrip())
        prefix = " " * (indent + (2 if line.lstrip().startswith("- ") else 0))
        out.append(textwrap.fill(line, width=width, subsequent_indent=prefix, break_long_words=False,
                                 break_on_hyphens=False) if line.strip() else "")
    return "\n".join(out)


@rules_app.command("docs")
def rules_docs() -> int:
    """Print docs/rules.md: every built-in rule's documentation, generated from the catalogue."""
    # lazy: --version and --help start without the modules only this command needs
    from auditor.engine.catalogue import load_rules
    from auditor.engine.docs import rules_markdown

    sys.stdout.write(rules_markdown(load_rules()))
    return EXIT_OK


