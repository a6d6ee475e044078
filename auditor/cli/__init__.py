"""The command line: parses options, asks auditor.plan for a ScanPlan, runs it, writes and prints output.

Every error omaudit raises on purpose reaches the user as one line on stderr and an exit code
(see EXIT CODES in the README); nothing here knows a rule or a format's internals.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import typer

from auditor.cli import lab_commands, rules_commands, scan_commands  # noqa: F401 - importing registers the commands
from auditor.cli.app import EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, NAMED_SETTINGS, app
from auditor.cli.console import FLAGS, say
from auditor.common.errors import InputError, OmauditError, TargetError
from auditor.common.redact import SECRETS, register_environment
from auditor.render.escape import terminal_block

__all__ = ["main", "run"]


def _is(exc: BaseException, name: str) -> bool:
    """Match click's exception classes by name: typer may vendor its own copy of click."""
    return any(cls.__name__ == name for cls in type(exc).__mro__)

def _internal_error(exc: BaseException, debug: bool) -> int:
    """An exception omaudit did not expect: one line naming its type, exit 4. Its message only with
    --debug (redacted): an unexpected error's text can quote a value from the scanned files (a var
    file's secret in Python's "could not convert string to float: '...'"), which no redaction knows."""
    if debug:
        sys.stderr.write(terminal_block(SECRETS("".join(traceback.format_exception(exc)))))
    say(f"omaudit: error: internal error ({type(exc).__name__})" + (f": {SECRETS(str(exc))}" if debug else
                                                                     " (run with --debug for the details)"))
    return EXIT_INTERNAL


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: every error becomes one line and an exit code, never a traceback (unless --debug)."""
    args = list(argv) if argv is not None else sys.argv[1:]
    debug = _take_debug(args)
    if not debug:
        # A library's import-time notice is not the user's business, and would break the rule that an error
        # is one line on stderr: requests probes for urllib3's optional SOCKS support, whose absence
        # urllib3 announces with a DependencyWarning (seen once in a test run).
        warnings.filterwarnings("ignore", message="SOCKS support in urllib3")
    for key, names in (("quiet", ("-q", "--quiet")), ("show_all", ("--show-all",)), ("no_color", ("--no-color",))):
        FLAGS[key].clear()  # a second run in one process (the tests') starts clean
        if _take_flag(args, names):
            FLAGS[key].set()
    try:
        register_environment()
        _drop_eager_environment()
        NAMED_SETTINGS.clear()
        named = _take_value(args, "--settings")
        if named is not None:
            NAMED_SETTINGS.append(Path(named))
        code = app(args=args, prog_name="omaudit", standalone_mode=False)
        if code == EXIT_INTERRUPTED:  # typer turns Ctrl-C into a returned 130
            say("omaudit: interrupted")
    except TargetError as exc:
        say(f"omaudit: error: {exc} (nothing was scanned)")
        code = EXIT_INPUT
    except OmauditError as exc:
        say(f"omaudit: error: {exc}")
        code = EXIT_INPUT
    except KeyboardInterrupt:
        say("omaudit: interrupted")
        code = EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the one place every unexpected error is turned into a line
        code = _click_exit(exc)
        if code is None:
            code = _internal_error(exc, debug)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def run() -> NoReturn:
    """The `omaudit` command: `main`, then out of the process without the interpreter's teardown.

    By then every report is written (atomically) and closed, and worker processes are joined; what is
    left is unloading botocore's and the rules' modules and joining threads a Ctrl-C has given up on:
    40-80 ms of a 0.3 s file scan (issue 19). The terminal's buffers are flushed first."""
    try:
        main()
        code: object = EXIT_OK
    except SystemExit as exc:
        code = exc.code
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`), a closed stream
            stream.flush()
    os._exit(code if isinstance(code, int) else EXIT_OK if code is None else EXIT_INTERNAL)


def _take_flag(args: list[str], names: tuple[str, ...]) -> bool:
    """A global flag anywhere before `--`: removed from args, so that every command takes it."""
    end = args.index("--") if "--" in args else len(args)
    found = any(a in names for a in args[:end])
    if found:
        args[:end] = [a for a in args[:end] if a not in names]
    return found


EAGER = ("VERSION", "HELP", "INSTALL_COMPLETION", "SHOW_COMPLETION")


def _drop_eager_environment() -> None:
    """Eager options (--version, --help, completion) never come from the environment: click's
    auto_envvar_prefix would read OMAUDIT_VERSION=0.1.0 (a natural pin in CI) or OMAUDIT_SCAN_HELP=1 and
    end the run with exit 0 before anything is scanned, a green gate that judged nothing."""
    for name in [n for n in os.environ if n.startswith("OMAUDIT_") and n.endswith(EAGER)]:
        del os.environ[name]


def _take_value(args: list[str], name: str) -> str | None:
    """A global option with a value (`--settings FILE` or `--settings=FILE`) anywhere before `--`:
    removed from args; the last one given wins."""
    end = args.index("--") if "--" in args else len(args)
    value, kept, i = None, [], 0
    while i < end:
        if args[i] == name:
            if i + 1 >= end:
                raise InputError(f"{name} needs a value")
            value, i = args[i + 1], i + 2
            continue
        if args[i].startswith(name + "="):
            value = args[i].split("=", 1)[1]
        else:
            kept.append(args[i])
        i += 1
    args[:end] = kept
    return value


def _take_debug(args: list[str]) -> bool:
    """`--debug` anywhere before `--` (or OMAUDIT_DEBUG=1)."""
    return _take_flag(args, ("--debug",)) or os.environ.get("OMAUDIT_DEBUG", "") not in ("", "0")


def _click_exit(exc: Exception) -> int | None:
    """click's own exceptions (help, usage errors, aborts) as exit codes; None for anything else."""
    if _is(exc, "Exit"):
        return int(getattr(exc, "exit_code", 0))
    if _is(exc, "NoArgsIsHelpError"):
        ctx = getattr(exc, "ctx", None)
        typer.echo(ctx.get_help() if ctx is not None else "omaudit: see --help")
        return EXIT_INPUT
    if _is(exc, "UsageError"):
        say(f"omaudit: error: {exc.format_message()}")  # type: ignore[attr-defined]
        return EXIT_INPUT
    if _is(exc, "Abort"):
        say("omaudit: interrupted")
        return EXIT_INTERRUPTED
    return None

