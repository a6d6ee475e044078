"""Loads rule modules by path (the built-in catalogue plus any --rules-dir) and validates them.

Rules are loaded by file path, never imported by package name, so the installed wheel claims no
top-level `rules` package and a security team's own folder loads the same way as ours.
"""

from __future__ import annotations

import fnmatch
import functools
import importlib.util
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from auditor.common.errors import InputError
from auditor.facts.snapshot import INPUT_KEYS, Snapshot
from auditor.report.model import Outcome, RuleInfo, RuleMeta, Severity

Params = Mapping[str, int | float | str | bool]
CheckFn = Callable[[Snapshot, Params], Iterable[Outcome]]

RULE_ID = re.compile(r"^OMA[1-9]\d\d$")
RULE_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
REQUIRED_SECTIONS = ("## Why this matters", "## Fix")


@dataclass(frozen=True)
class Rule:
    meta: RuleMeta
    check: CheckFn
    doc: str
    path: Path

    @property
    def title(self) -> str:
        first = self.doc.strip().splitlines()[0]
        return first.split(":", 1)[1].strip() if ":" in first else first

    def section(self, heading: str) -> str:
        """The text under `## heading` in the rule's docstring."""
        return _section(self.doc, heading)

    @property
    def remediation(self) -> str:
        return self.section("Fix")

    @property
    def info(self) -> RuleInfo:
        """The rule's documentation as reports show it."""
        return RuleInfo(self.meta.id, self.meta.name, self.title, self.section("Why this matters"), self.remediation)


@functools.lru_cache(maxsize=1024)
def _section(doc: str, heading: str) -> str:
    """Cached: every finding carries its rule's Fix text, and a fleet has hundreds of thousands."""
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", doc, re.M | re.S)
    return match.group(1).strip() if match else ""


def builtin_rules_dir() -> Path:
    """Installed wheels carry the catalogue as auditor/_catalogue; a source checkout has rules/."""
    package = Path(__file__).resolve().parent.parent  # auditor/
    packaged = package / "_catalogue"
    if packaged.is_dir():
        return packaged
    return package.parent / "rules"


def _load_module(path: Path) -> ModuleType:
    name = f"omaudit_rule_{abs(hash(str(path)))}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise InputError(f"cannot load rule file {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # a broken user rule file is an input error, named by path
        sys.modules.pop(name, None)
        raise InputError(f"rule file {path} failed to load: {type(exc).__name__}: {exc}") from exc
    return module


def validate(rule: Rule) -> list[str]:
    """Every problem with one rule, as sentences; empty when the rule is well-formed."""
    problems: list[str] = []
    meta = rule.meta
    if not RULE_ID.match(meta.id):
        problems.append(f"{rule.path.name}: id {meta.id!r} is not of the form OMAnnn")
    if not rule.path.name.startswith(meta.id + "_"):
        problems.append(f"{rule.path.name}: file name does not start with its id {meta.id}_")
    if not RULE_NAME.match(meta.name):
        problems.append(f"{meta.id}: name {meta.name!r} is not kebab-case")
    if not isinstance(meta.severity, Severity):
        problems.append(f"{meta.id}: severity is not a Severity")
    if not rule.doc.strip().startswith(meta.id + ":"):
        problems.append(f"{meta.id}: docstring must start with '{meta.id}: <summary>'")
    for heading in REQUIRED_SECTIONS:
        if heading not in rule.doc:
            problems.append(f"{meta.id}: docstring lacks a '{heading}' section")
    if not meta.needs and "Inputs: judged per setting" not in rule.doc:
        # A rule may gate its own inputs (OMA406 compares whichever side a scan has); it says so in its docs.
        problems.append(f"{meta.id}: META.needs is empty (a rule that gates its inputs itself says "
                        "'Inputs: judged per setting' in its docstring)")
    unknown = [need for need in meta.needs if need not in INPUT_KEYS]
    if unknown:
        problems.append(f"{meta.id}: META.needs names no input of the snapshot: {', '.join(unknown)} "
                        f"(known: {', '.join(sorted(INPUT_KEYS))})")
    return problems


def load_rules(extra_dirs: Sequence[Path] = ()) -> tuple[Rule, ...]:
    """All rules, built-in first, sorted by id; raises InputError on a malformed or duplicate rule."""
    rules: dict[str, Rule] = {}
    for folder in (builtin_rules_dir(), *extra_dirs):
        if not folder.is_dir():
            raise InputError(f"rules folder {folder} does not exist")
        for path in sorted(folder.rglob("OMA*.py")):
            module = _load_module(path)
            meta = getattr(module, "META", None)
            check = getattr(module, "check", None)
            if not isinstance(meta, RuleMeta) or not callable(check):
                raise InputError(f"rule file {path} must define META = RuleMeta(...) and check()")
            rule = Rule(meta=meta, check=check, doc=module.__doc__ or "", path=path)
            problems = validate(rule)
            if problems:
                raise InputError("; ".join(problems))
            if meta.id in rules:
                raise InputError(f"rule id {meta.id} is defined twice: {rules[meta.id].path} and {path}")
            rules[meta.id] = rule
    return tuple(sorted(rules.values(), key=lambda r: r.meta.id))


# Categories for --rules / --skip-rules: a rule's folder, and `cognito` for the three Cognito folders.
CATEGORY_GROUPS = {"cognito": ("cognito_pool", "cognito_client", "cross")}


def category(rule: Rule) -> str:
    """The folder the rule lives in: openmetadata, cognito_pool, cognito_client, cross, or a team's own."""
    return rule.path.parent.name


def _matching(rules: Sequence[Rule], pattern: str) -> set[str]:
    """Rule IDs matched by one --rules entry: an ID, a glob on IDs (`OMA2*`), or a category."""
    word = pattern.strip()
    folders = CATEGORY_GROUPS.get(word.lower(), (word.lower(),))
    by_category = {r.meta.id for r in rules if category(r) in folders}
    if by_category:
        return by_category
    return {r.meta.id for r in rules if fnmatch.fnmatchcase(r.meta.id, word.upper())}


def select(rules: Iterable[Rule], only: Sequence[str] = (), skip: Sequence[str] = ()) -> tuple[Rule, ...]:
    """The rules chosen by IDs, globs and categories; an entry that matches no rule is an InputError."""
    rules = tuple(rules)
    wanted: set[str] = set()
    dropped: set[str] = set()
    for entries, into in ((only, wanted), (skip, dropped)):
        for entry in entries:
            found = _matching(rules, entry)
            if not found:
                raise InputError(f"no rule matches {entry!r} (an ID, a glob such as OMA2*, or a category: "
                                 f"{', '.join(sorted({*CATEGORY_GROUPS, *(category(r) for r in rules)}))}; "
                                 "see 'omaudit rules list')")
            into.update(found)
    chosen = [r for r in rules if (not only or r.meta.id in wanted) and r.meta.id not in dropped]
    if not chosen:  # a gate that runs no rule judges nothing: never green
        raise InputError("the selection leaves no rule to run (--rules and --skip-rules cancel out)")
    return tuple(chosen)
