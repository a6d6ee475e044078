"""OpenMetadata's server configuration, openmetadata.yaml, with its placeholders resolved as the server
resolves them (auditor.files.environment), read into the same facts a live scan collects."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.errors import InputError
from auditor.files.environment import (
    Origin,
    Substitution,
    SubstitutionTooLarge,
    Variable,
    compose_environment,
    parse_env_file,
    resolve_env_files,
    substitute,
)
from auditor.files.om_settings import SECRETS, SETTINGS, SecretFound, Setting, build, secret_state, unknown_inputs
from auditor.files.result import MAX_YAML_BYTES, FileFacts, read_yaml, relative
from auditor.inputs import MAX_CONFIG_BYTES, read_input
from auditor.model import Location

if TYPE_CHECKING:
    from auditor.sources import FileInputs

WHAT = "OpenMetadata configuration"


def read_om_config(path: Path, root: Path, env: Mapping[str, Variable]) -> FileFacts:
    rel = relative(path, root)
    try:
        text, used, original = substitute(read_input(path, WHAT, MAX_YAML_BYTES), env)
    except SubstitutionTooLarge as exc:
        raise InputError(f"{WHAT} {rel} {exc}") from None
    docs = read_yaml(path, root, WHAT, text)
    doc = docs[0] if docs else None
    if doc is None or not isinstance(doc.value, dict):
        raise InputError(f"{WHAT} {rel} is not a YAML mapping of settings")
    if not any(key in doc.value for key in ("authenticationConfiguration", "authorizerConfiguration",
                                            "jwtTokenConfiguration", "fernetConfiguration")):
        raise InputError(f"{WHAT} {rel} has none of authenticationConfiguration, authorizerConfiguration, "
                         "jwtTokenConfiguration, fernetConfiguration: not an openmetadata.yaml")
    by_line: dict[int, list[Substitution]] = {}
    for sub in used:
        by_line.setdefault(sub.line, []).append(sub)

    def origin_at(line: int | None) -> Origin | None:
        subs = by_line.get(line or 0, [])
        return subs[0].origin if len(subs) == 1 else None

    def where(line: int | None) -> tuple[Location, str]:
        origin = origin_at(line)
        if origin is not None and origin.file and origin.kind in ("env-file", "compose"):
            return Location(origin.file, origin.line), origin.describe()
        described = origin.describe() if origin is not None else f"written in {rel}"
        at = original[line - 1] if line is not None and 0 < line <= len(original) else line
        return Location(rel, at), described

    settings: dict[str, Setting] = {}
    unknown: dict[str, str] = {}
    for name, spec in SETTINGS.items():
        if spec.yaml in doc.lines:
            line = doc.line(spec.yaml)
            location, described = where(line)
            settings[name] = Setting(doc.get(spec.yaml), location, described)
            origin = origin_at(line)
            if origin is not None and origin.kind == "unset":
                unknown[name] = next(s.name for s in by_line[line or 0])
    secrets: list[SecretFound] = []
    for kind, spec in SECRETS.items():
        if spec.yaml not in doc.lines:
            continue
        line = doc.line(spec.yaml)
        origin = origin_at(line)
        location, described = where(line)
        unset = origin is not None and origin.kind == "unset"  # set at deploy time: nothing in the files to judge
        state = "reference" if unset else secret_state(kind, doc.get(spec.yaml))
        secrets.append(SecretFound(kind, ".".join(spec.yaml), state, location, described))
    facts, locations = build(rel, settings, secrets)
    blocked = unknown_inputs(unknown)
    return FileFacts({k: v for k, v in facts.items() if k not in blocked}, locations, file=rel, unknown=blocked)


def read_config_files(files: FileInputs) -> list[FileFacts]:
    """openmetadata.yaml, resolved against the environment its env and compose files give the server
    (auditor.files.environment says in which order)."""
    if not files.of("config"):
        return []
    env_files: dict[str, Variable] = {}
    for path in files.of("env_files"):  # a later file wins, as with docker's env_file lists
        env_files.update(parse_env_file(read_input(path, "env file", MAX_CONFIG_BYTES), relative(path, files.root)))
    env_files = resolve_env_files(env_files)
    # The process environment is never read: in a gate it is the CI job's (its secrets), not the
    # deployment's, and the repository's author chooses which variable a placeholder names.
    composes = files.of("compose_file")
    if composes:  # the container's environment: environment: over env_file; no shell variable reaches it
        lookup = {k: v.value for k, v in env_files.items()}
        env = dict(env_files)
        docs = read_yaml(composes[0], files.root, "compose file")
        if docs and isinstance(docs[0].value, dict):
            env.update(compose_environment(docs[0].value.get("services"), relative(composes[0], files.root),
                                           docs[0].lines, lookup))
    else:
        env = env_files
    return [read_om_config(files.of("config")[0], files.root, env)]
