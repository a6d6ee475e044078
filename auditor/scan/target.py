"""What one target of a scan is, and how its report is audited: the records every stage passes on.

The plan builds them, the sources read by them, the scan and its worker processes carry them. They
live here, apart from any stage, so no stage imports another for its types.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from auditor.report.model import Finding
from auditor.report.suppress import Suppression
from auditor.scan.discovery import CognitoRequest
from auditor.scan.lockout import ProbeLedger
from auditor.sources.files.checkout import Checkout
from auditor.sources.files.kinds import READ_ORDER


@dataclass(frozen=True)
class FileInputs:
    """The configuration files of one target (a file scan), by kind (auditor.sources.files.kinds). Paths in
    findings are relative to `root`."""

    root: Path
    paths: Mapping[str, tuple[Path, ...]] = field(default_factory=dict)
    # The user pool (logical id or address) this target audits, where a template or plan defines
    # several: each is then its own target (auditor.plan.build_file_targets). None: the only one.
    pool: str | None = None
    var_files: tuple[Path, ...] = ()  # --var-file: values for the --terraform root module's variables
    # The OpenMetadata deployment (auditor.sources.files.kubernetes.deployments) this target judges,
    # where the manifests hold several. None: the only one.
    workload: str | None = None
    # --repo-url and --repo-revision: the repository an Argo CD source must name to be read from the tree.
    checkout: Checkout | None = None

    def of(self, kind: str) -> tuple[Path, ...]:
        return self.paths.get(kind, ())

    def named(self) -> list[Path]:
        """Every file given, in the order they are read."""
        return [path for kind in READ_ORDER for path in self.of(kind)]


@dataclass(frozen=True)
class OMRequest:
    """The live OpenMetadata source of a target: where it runs, the admin token, whether to probe."""

    url: str
    token: str | None = field(default=None, repr=False)
    active: bool = False
    verify: bool | str = True
    ledger: ProbeLedger | None = None  # with --active: where login attempts are recorded before they are sent


@dataclass(frozen=True)
class ScanTarget:
    """One target, by its sources: a running OpenMetadata, a Cognito pool (given, or discovered from
    OpenMetadata), or configuration files (auditor.scan.registry.SOURCES says which applies)."""

    name: str
    om: OMRequest | None = None
    cognito: CognitoRequest = field(default_factory=CognitoRequest)
    no_cognito: bool = False  # --no-cognito: audit OpenMetadata only
    files: FileInputs | None = None  # a file scan: configuration files instead of a running server
    # A live scan's deployment files, read as a file scan reads them and compared with what runs (OMA406)
    reviewed: FileInputs | None = None
    report_notes: tuple[str, ...] = ()  # what the plan could not judge, named in every report


@dataclass(frozen=True)
class AuditOptions:
    suppressions: Sequence[Suppression] = ()
    suppressions_file: str | None = None  # where they came from, named in the report
    baseline: Sequence[Finding] | None = None
    today: dt.date | None = None
    inline: bool = True  # inline `omaudit:ignore` comments in the scanned files (off with --no-suppressions)
    root: Path | None = None  # a file scan's folder: where those comments are read
