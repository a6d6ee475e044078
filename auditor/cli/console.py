"""What omaudit says on stderr: every line redacted, control characters shown as escapes; -q and the
other global flags."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import typer

from auditor.common.errors import WARNING
from auditor.common.redact import SECRETS
from auditor.render.escape import terminal

if TYPE_CHECKING:
    pass



# Global flags, taken from the arguments before any command runs (main), so every command has them.
MAX_LINE = 2000  # characters of one diagnostic line

FLAGS = {"quiet": threading.Event(), "show_all": threading.Event(), "no_color": threading.Event()}
QUIET = FLAGS["quiet"]


def tell(note: str) -> None:
    if note.startswith(WARNING):
        say(f"omaudit: {note}")
    else:
        inform(f"omaudit: note: {note}")


def inform(line: str) -> None:
    """A line that only informs: left out under -q/--quiet."""
    if not QUIET.is_set():
        say(line)


def say(line: str) -> None:
    """Every diagnostic line is redacted, and shows control characters as escapes: it may quote a server."""
    typer.echo(terminal(SECRETS.cut(line, MAX_LINE)), err=True)


