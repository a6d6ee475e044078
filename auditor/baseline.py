"""Compare a run with an earlier report.json: each finding is `new` or `existing`; fixed ones are `resolved`.

A finding is `existing` when the baseline holds the same fingerprint (target, rule, resource) with
the same status. `resolved` lists the baseline's FAIL and MUTED findings that no longer fail.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from auditor.errors import InputError
from auditor.model import Finding, JsonValue, Status


def load_baseline(path: Path) -> list[Finding]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read baseline {path}: {exc.strerror}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"baseline {path} is not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("schema_version") != 1 or not isinstance(data.get("findings"), list):
        raise InputError(f"baseline {path} is not an omaudit report.json (schema_version 1)")
    try:
        return [Finding.from_json(f) for f in data["findings"]]
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"baseline {path} has a malformed finding: {exc}") from None


def compare(findings: Sequence[Finding], baseline: Sequence[Finding]
            ) -> tuple[list[Finding], list[dict[str, JsonValue]]]:
    before = {f.fingerprint: f for f in baseline}
    marked = [replace(f, baseline="existing" if f.fingerprint in before and before[f.fingerprint].status is f.status
                      else "new") for f in findings]
    failing_now = {f.fingerprint for f in findings if f.status in (Status.FAIL, Status.MUTED)}
    resolved = [{"rule_id": f.rule_id, "name": f.name, "target": f.target, "resource": f.resource,
                 "fingerprint": f.fingerprint, "was": f.status.value}
                for f in baseline if f.status in (Status.FAIL, Status.MUTED) and f.fingerprint not in failing_now]
    return marked, resolved
