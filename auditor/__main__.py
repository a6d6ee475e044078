"""`python -m auditor` is the same as the `omaudit` command."""

from auditor.cli import run

run()
