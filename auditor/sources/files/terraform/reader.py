"""`--terraform DIR`: a root module's Cognito resources judged from its HCL, as a plan of it would be
(auditor.sources.files.terraform.plan.judge_resources), with what only a provider knows unknown per
attribute, named; and, for `--dir`, which folders are root modules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from auditor.common.errors import InputError
from auditor.common.inputs import read_input
from auditor.facts.snapshot import COGNITO_KEYS
from auditor.sources.files.cognito_pool import LIST_POOLS, PoolsListed, check_bounds
from auditor.sources.files.result import MAX_PLAN_BYTES, FileFacts, relative
from auditor.sources.files.terraform.helm_release import (
    is_openmetadata_chart,
    is_openmetadata_release,
    release_facts,
)
from auditor.sources.files.terraform.module import Loader, module_sources, read_folder
from auditor.sources.files.terraform.plan import judge_resources
from auditor.sources.files.terraform.syntax import Block, Lit, Template

UNKNOWN_WHEN = "unknown without a plan (it is decided when Terraform runs)"


def read_terraform(folder: Path, root: Path, pool: str | None = None, var_files: Sequence[Path] = ()) -> FileFacts:
    """The Cognito side of a root module (one user pool: `pool`, or the only one)."""
    found = read_module(folder, root, pool, var_files)
    return found[0] if found else FileFacts(file=relative(folder, root) or ".")


def read_module(folder: Path, root: Path, pool: str | None = None, var_files: Sequence[Path] = ()
                ) -> list[FileFacts]:
    """What a root module deploys: its Cognito pool's facts, then each OpenMetadata helm_release's
    (auditor.sources.files.terraform.helm_release); one evaluation for both."""
    rel = relative(folder, root) or "."
    if not folder.is_dir():
        raise InputError(f"--terraform {rel} is not a folder of .tf files"
                         + (" (a plan's JSON goes to --terraform-plan)" if folder.name.endswith(".json") else ""))
    try:
        evaluated = Loader(root).run(folder, var_files)
    except RecursionError:
        raise InputError(f"Terraform module {rel}: expressions nested too deeply to evaluate") from None
    except MemoryError:
        raise InputError(f"Terraform module {rel}: too large to evaluate") from None
    entries = [r.entry() for r in evaluated.resources]
    cognito = [e["type"] for e in entries if e["type"].startswith("aws_cognito_")]
    check_bounds(f"Terraform module {rel}", cognito)
    releases = [release_facts(r, root) for r in evaluated.resources
                if pool != LIST_POOLS and is_openmetadata_release(r, root)]
    notes = evaluated.notes + ([f"{rel}: variables from {', '.join(evaluated.files)}"] if evaluated.files else [])
    if not cognito and any(is_openmetadata_release(r, root) for r in evaluated.resources):  # OpenMetadata's only
        if pool == LIST_POOLS:
            return []
        return [FileFacts(notes=notes, file=rel), *releases]
    # A pool whose count or for_each is unknown may or may not be created: it is a target of its own, every
    # rule SKIPPED naming why (beside a decoy pool it was only a note, and the gate passed: an attack).
    undecided = {a: why for a, kind, why in evaluated.uncounted if kind == "aws_cognito_user_pool"}
    if pool in undecided or (pool is None and undecided and "aws_cognito_user_pool" not in cognito):
        address = pool if pool in undecided else next(iter(undecided))
        reason = f"{address}: whether it is created is {UNKNOWN_WHEN} ({undecided[address]})"
        return [FileFacts(notes=notes, file=rel, unknown=dict.fromkeys(COGNITO_KEYS, reason)), *releases]
    if pool == LIST_POOLS and undecided:
        try:
            judge_resources(entries, rel, "Terraform module", "terraform", UNKNOWN_WHEN, pool)
        except PoolsListed as listed:
            raise PoolsListed(sorted([*listed.keys, *undecided])) from None
        except InputError:  # no pool but the undecided ones
            raise PoolsListed(sorted(undecided)) from None
    result = judge_resources(entries, rel, "Terraform module", "terraform", UNKNOWN_WHEN, pool)
    result.notes[:0] = notes
    return [result, *releases]


def terraform_roots(folders: Sequence[Path], plans: Sequence[Path], root: Path) -> tuple[list[Path], list[str]]:
    """The folders of .tf files to judge: each that holds Cognito resources or an OpenMetadata
    helm_release (its own, or its local modules'). A folder another one calls is judged on its own
    too: which folder is applied is the deployment's choice, and an example that calls the real root
    with `count = 0` or hardened inputs must not hide it (found by an attack). One beside a plan is
    judged by the plan (it knows more). Notes say what was left out and why."""
    roots: list[Path] = []
    notes: list[str] = []
    planned = {p.parent.resolve(): p for p in plans}
    for folder in folders:
        if not _has_cognito(folder, root, set()):
            continue
        if folder.resolve() in planned:
            plan = planned[folder.resolve()]
            missing = _not_planned(folder, plan, root)
            if not missing:
                notes.append(f"{relative(folder, root) or '.'}: the plan beside it ({plan.name}) is judged instead of "
                             "its .tf files (a plan knows what the configuration leaves to Terraform)")
                continue
            # A plan that does not hold the folder's own resources is not its plan (a pull request can add any
            # JSON beside the .tf files: found by an attack): both are judged.
            notes.append(f"{relative(folder, root) or '.'}: the plan beside it ({plan.name}) does not hold "
                         f"{', '.join(missing[:3])}: its .tf files are judged too")
        roots.append(folder)
    return roots, notes


def _not_planned(folder: Path, plan: Path, root: Path) -> list[str]:
    """The root folder's own Cognito resources and helm_releases (`type.name`) that the plan does not list
    (by address, indices left out). A plan that cannot be read lists none: the scan reads it and names why."""
    try:
        blocks, _ = read_folder(folder, root)
        text = read_input(plan, "Terraform plan", MAX_PLAN_BYTES).removeprefix("\ufeff")
        document = json.loads(text)
    except (InputError, ValueError, RecursionError):
        return []
    listed: set[str] = set()
    stack = [document.get("resource_changes"), (document.get("planned_values") or {}).get("root_module"),
             (document.get("values") or {}).get("root_module")] if isinstance(document, dict) else []
    while stack and len(listed) < 100_000:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if isinstance(item.get("address"), str) and "module." not in item["address"][:7]:
                listed.add(re.sub(r"\[[^\]]*\]$", "", item["address"]))
            stack.extend(item.get(k) for k in ("resources",) if isinstance(item.get(k), list))
    own = sorted(f"{b.labels[0]}.{b.labels[1]}" for b in blocks if b.type == "resource" and len(b.labels) == 2
                 and (b.labels[0].startswith("aws_cognito_") or b.labels[0] == "helm_release"))
    return [address for address in own if address not in listed]


def _has_cognito(folder: Path, root: Path, seen: set[Path]) -> bool:
    return _holds(folder, root, seen, lambda b: b.labels[0].startswith("aws_cognito_") or (
        b.labels[0] == "helm_release" and not _other_chart(b, root)))


def installs_openmetadata(folder: Path, root: Path) -> bool:
    """Whether the root module (or a local module it calls) has a helm_release that may be the
    openmetadata chart: its settings are that deployment's, never merged with a values file elsewhere."""
    return _holds(folder, root, set(), lambda b: b.labels[0] == "helm_release" and not _other_chart(b, root))


def _holds(folder: Path, root: Path, seen: set[Path], wanted: Callable[[Block], bool]) -> bool:
    if folder.resolve() in seen or len(seen) > 64:
        return False
    seen.add(folder.resolve())
    try:
        blocks, _ = read_folder(folder, root)
    except InputError:
        return True  # a folder that cannot be read is judged, so that the scan names why
    if any(b.type == "resource" and b.labels and wanted(b) for b in blocks):
        return True
    return any(_holds(child, root, seen, wanted) for child in module_sources(folder, root))


def _other_chart(block: Block, root: Path) -> bool:
    """A helm_release whose `chart` is written as a literal naming another chart (the official module's
    `openmetadata-dependencies`: judged as a deployment, every rule was ERROR and the gate could never
    pass). A chart set by reference may be openmetadata: the folder is judged."""
    chart = block.attributes.get("chart")
    expr = chart.expr if chart is not None else None
    if isinstance(expr, Template) and len(expr.parts) == 1:
        text: object = expr.parts[0]
    elif isinstance(expr, Lit):
        text = expr.value
    else:
        return False
    return isinstance(text, str) and not is_openmetadata_chart(text, (root / block.file).parent, root)
