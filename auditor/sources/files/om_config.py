"""OpenMetadata's server configuration, openmetadata.yaml, with its placeholders resolved as the server
resolves them (auditor.sources.files.environment), read into the same facts a live scan collects."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.common.errors import InputError
from auditor.common.inputs import MAX_CONFIG_BYTES, read_input
from auditor.facts.snapshot import Unknown
from auditor.report.model import Location
from auditor.sources.files.environment import (
    Origin,
    Substitution,
    SubstitutionCycle,
    SubstitutionTooLarge,
    Variable,
    compose_environment,
    parse_env_file,
    resolve_env_files,
    server_service,
    substitute,
)
from auditor.sources.files.om_settings import (
    SECRETS,
    SETTINGS,
    UNSET,
    SecretFound,
    Setting,
    build,
    defaulted_fields,
    secret_state,
)
from auditor.sources.files.result import MAX_YAML_BYTES, FileFacts, read_yaml, relative

if TYPE_CHECKING:
    from auditor.scan.target import FileInputs

WHAT = "OpenMetadata configuration"


# OpenMetadata's own conf/openmetadata.yaml, verbatim (open-metadata/OpenMetadata at
# 5dc95e06b52d29a737c4614d41713269db1ba2d6, about release 1.1.1): the file inside the
# openmetadata/server image, which a compose project or an env file configures through its
# placeholders when the deployment mounts no openmetadata.yaml of its own (OpenMetadata's Docker
# guide). Only one release is embedded: its security settings' variables and defaults are those the
# 1.13.1 quickstart compose still sets (the same names); a setting added later that no variable of the
# deployment sets is judged as this file has it, or not at all.
IMAGE_DEFAULT = Path(__file__).resolve().parent / "defaults" / "openmetadata-1.1.1.yaml"
IMAGE_RELEASE = "1.1.1"


@dataclass(frozen=True)
class ImageDefault:
    """openmetadata.yaml is the image's own: findings point at the deployment's file that would set
    the value (`where`), and name the image's file as the value's origin."""

    shown: str  # the deployment file findings name as their resource (the compose or env file)
    where: Location  # where a value the image's file decides should be set (the server service)


def read_om_config(path: Path, root: Path, env: Mapping[str, Variable], image: ImageDefault | None = None
                   ) -> FileFacts:
    rel = relative(path, root) if image is None else image.shown
    try:
        text, used, original = substitute(read_input(path, WHAT, MAX_YAML_BYTES), env)
    except (SubstitutionTooLarge, SubstitutionCycle) as exc:
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

    def where(line: int | None) -> tuple[Location, str, bool]:
        """Where a setting's value was written, how, and whether a default gave it (the image's own file)."""
        origin = origin_at(line)
        at = original[line - 1] if line is not None and 0 < line <= len(original) else line
        if origin is not None and origin.file and origin.kind in ("env-file", "compose", "manifest"):
            # The placeholder that read it: the compose line a `.env` filled, else this file's own line.
            via = (Location(origin.via.file, origin.via.line) if origin.via is not None and origin.via.file
                   else Location(rel, at) if image is None else None)
            return Location(origin.file, origin.line, via=via), origin.describe(), False
        described = origin.describe() if origin is not None else f"written in {rel}"
        if image is not None:
            return image.where, (f"{described.replace(' own', '')} in the image's openmetadata.yaml (OpenMetadata "
                                 f"{IMAGE_RELEASE}'s conf/openmetadata.yaml), not set by the deployment"), True
        return Location(rel, at), described, False

    settings: dict[str, Setting] = {}
    unknown: dict[str, str] = {}
    for name, spec in SETTINGS.items():
        if spec.yaml in doc.lines:
            line = doc.line(spec.yaml)
            location, described, defaulted = where(line)
            settings[name] = Setting(doc.get(spec.yaml), location, described, defaulted)
            origin = origin_at(line)
            if origin is not None and origin.kind == "unset":
                unknown[name] = next(s.name for s in by_line[line or 0])
    secrets: list[SecretFound] = []
    for kind, spec in SECRETS.items():
        if spec.yaml not in doc.lines:
            continue
        line = doc.line(spec.yaml)
        origin = origin_at(line)
        location, described, _ = where(line)
        unset = origin is not None and origin.kind == "unset"  # set at deploy time: nothing in the files to judge
        state = "reference" if unset else secret_state(kind, doc.get(spec.yaml))
        secrets.append(SecretFound(kind, ".".join(spec.yaml), state, location, described))
    # A setting left to the deployment is an Unknown: not even its text is read (`${VAR:-[admin]}` kept as
    # written must not read as "name:password" in the admin list), and only the rules that read it are
    # SKIPPED, naming it; the other settings of the same block are judged (issue 21, per attribute).
    for name, variable in unknown.items():
        settings[name] = dataclasses.replace(settings[name], value=Unknown(
            f"{rel}: {'.'.join(SETTINGS[name].yaml)} is ${{{variable}}}: {UNSET}"))
    facts, locations = build(rel, settings, secrets)
    return FileFacts(facts, locations, file=rel, defaulted=defaulted_fields(settings))


def read_config_files(files: FileInputs) -> list[FileFacts]:
    """openmetadata.yaml, resolved against the environment its env and compose files give the server
    (auditor.sources.files.environment says in which order)."""
    configs, composes, envs = files.of("config"), files.of("compose_file"), files.of("env_files")
    if not configs and not composes and not envs:
        return []
    env_files: dict[str, Variable] = {}
    for path in files.of("env_files"):  # a later file wins, as with docker's env_file lists
        env_files.update(parse_env_file(read_input(path, "env file", MAX_CONFIG_BYTES), relative(path, files.root)))
    env_files = resolve_env_files(env_files)
    # The process environment is never read: in a gate it is the CI job's (its secrets), not the
    # deployment's, and the repository's author chooses which variable a placeholder names.
    image = None
    if composes:  # the container's environment: environment: over env_file; no shell variable reaches it
        # A file named `.env` only fills in the compose file itself (Docker's "Set environment variables
        # within your container's environment" / ".env file" pages): the container gets what the
        # service's environment: names, so a `.env` of hardened values nobody references hides nothing.
        env = {k: v for k, v in env_files.items() if v.origin.file is None
               or Path(v.origin.file).name != ".env"}
        rel = relative(composes[0], files.root)
        docs = read_yaml(composes[0], files.root, "compose file")
        services = docs[0].value.get("services") if docs and isinstance(docs[0].value, dict) else None
        env.update(compose_environment(services, rel, docs[0].lines if docs else {}, env_files))
        server = server_service(services) if isinstance(services, dict) else None
        if not configs and server is None:
            raise InputError(f"compose file {rel} has no service running OpenMetadata's server (image "
                             "openmetadata/server): give --om-config, or the compose file of the deployment")
        image = ImageDefault(rel, Location(rel, docs[0].lines.get(("services", str(server))) if docs else None))
    else:
        env = env_files
        shown = relative(envs[0], files.root) if envs else ""
        image = ImageDefault(shown, Location(shown, 1)) if envs else None
    if configs:
        return [read_om_config(configs[0], files.root, env)]
    return [read_om_config(IMAGE_DEFAULT, files.root, env, image)]
