"""The typer application, its command groups and the root options (help, settings file, global flags)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from auditor import __version__

if TYPE_CHECKING:
    pass


EXIT_OK, EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 2, 4, 130  # 1 and 3 come from Report.exit_code
# --settings FILE, taken from the arguments before any command runs (main), so every command has it.
NAMED_SETTINGS: list[Path] = []

# -h as --help; every option also from the environment as OMAUDIT_<COMMAND>_<OPTION> (click's
# auto_envvar_prefix: OMAUDIT_SCAN_FAIL_ON=medium, OMAUDIT_MERGE_FORMAT="json html"); precedence:
# the command line, then the environment, then the settings file (default_map), then the default.
HELP: dict[str, Any] = {"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "OMAUDIT"}
# add_completion: `omaudit --install-completion` / `--show-completion` (typer's own, for the shell in $SHELL).
app = typer.Typer(add_completion=True, no_args_is_help=True, pretty_exceptions_enable=False, context_settings=HELP,
                  rich_markup_mode="rich", help="Security hardening auditor for OpenMetadata with Amazon Cognito SSO.")
rules_app = typer.Typer(no_args_is_help=True, context_settings=HELP,
                        help="List the rules or show one rule's documentation.")
lab_app = typer.Typer(no_args_is_help=True, context_settings=HELP,
                      help="The OpenMetadata emulator used by tests and the demo.")
app.add_typer(rules_app, name="rules")
app.add_typer(lab_app, name="lab")


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"omaudit {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(ctx: typer.Context,
          version: Annotated[bool, typer.Option("--version", metavar="", callback=_version_callback, is_eager=True,
                                                help="Print the version and exit.")] = False,
          debug: Annotated[bool, typer.Option("--debug", metavar="", help="On an internal error, print the (redacted) "
                                              "traceback; also OMAUDIT_DEBUG=1. Accepted after any command too.")]
          = False,
          quiet: Annotated[bool, typer.Option("--quiet", "-q", metavar="",
                                              help="No progress bar, no 'wrote' lines or notes "
                                              "(warnings and errors stay). Accepted after any command too.")]
          = False,
          show_all: Annotated[bool, typer.Option("--show-all", metavar="",
                                                 help="The table lists PASS and SKIPPED rows too, "
                                                 "not only their counts. Accepted after any command too.")] = False,
          no_color: Annotated[bool, typer.Option("--no-color", metavar="",
                                                 help="No colour in the table (also NO_COLOR=1); "
                                                 "colour is used only on a terminal.")] = False) -> None:
    """omaudit audits a running OpenMetadata and its Cognito setup, and writes a report."""
    # lazy: settings files are read only for a scan (tomllib, the plan)
    from auditor.plan.settings import default_map, find_settings

    found = find_settings(Path.cwd(), NAMED_SETTINGS[0] if NAMED_SETTINGS else None)
    # typer vendors its own click: the group is known by its `commands`, not by a class.
    subcommands: dict[str, Any] = getattr(ctx.command, "commands", {})
    if found is not None:
        commands = {name: {p.name for p in cmd.params if p.name} for name, cmd in subcommands.items()
                    if not hasattr(cmd, "commands")}
        ctx.default_map = default_map(found, commands)


