"""OpenMetadata's server configuration, openmetadata.yaml, with its placeholders resolved as the server
resolves them (auditor.sources.files.environment), read into the same facts a live scan collects."""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.common.errors import InputError
from auditor.common.inputs import MAX_CONFIG_BYTES, read_input
from auditor.facts.snapshot import Unknown
from auditor.report.model import Location
from auditor.sources.files.compose import servers
from auditor.sources.files.environment import (
    OpenEnvironment,
    Origin,
    PlaceholderUnread,
    Substitution,
    SubstitutionCycle,
    SubstitutionTooLarge,
    Variable,
    compose_environment,
    interpolate,
    parse_env_file,
    refuse_property_overrides,
    resolve_env_files,
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


# OpenMetadata's own conf/openmetadata.yaml, verbatim: the file inside the openmetadata/server image,
# which a compose project, a Kubernetes manifest or an env file configures through its placeholders
# when the deployment mounts no openmetadata.yaml of its own (OpenMetadata's Docker guide). The image's
# tag chooses one (image_file); each is cited in docs/sources.md:
# - open-metadata/OpenMetadata at 5dc95e06b52d29a737c4614d41713269db1ba2d6, right after "Prepare
#   1.1.1-release": releases before 1.3 (no clientType, no oidcConfiguration: the chart passes them
#   from chart 1.3.2 on, auditor/sources/files/defaults/chart-defaults.json);
# - open-metadata/OpenMetadata at 948f571856570032db4ade9eb2e037ecad467126, a commit of the 1.5/1.6
#   line (no release tag could be tied to it here): releases from 1.3 on. For every setting omaudit
#   reads, its variable and default are those the 1.13.1 release's quickstart compose passes
#   (tests/data/real/compose, tests/test_image_defaults.py checks it), and its key paths those the chart
#   renders.


@dataclass(frozen=True)
class ImageFile:
    """The image's openmetadata.yaml judged, and why that one."""

    path: Path
    label: str  # "OpenMetadata 1.1.1's conf/openmetadata.yaml"
    why: str


_DEFAULTS = Path(__file__).resolve().parent / "defaults"
IMAGE_FILES = (  # (the first release each stands for, file, label), oldest first
    ((0, 0), _DEFAULTS / "openmetadata-1.1.1.yaml", "OpenMetadata 1.1.1's conf/openmetadata.yaml"),
    ((1, 3), _DEFAULTS / "openmetadata-948f5718.yaml",
     "OpenMetadata's conf/openmetadata.yaml of the 1.5/1.6 line (commit 948f5718)"),
)
_TAG = re.compile(r"^v?(\d+)\.(\d+)(?:[.\-_+]|$)")


def image_file(image: object) -> ImageFile:
    """The embedded openmetadata.yaml of the release an image reference names (`.../openmetadata/server:1.6.4`):
    the newest embedded file for a release at or after its own; the newest for no tag, `latest`, a digest
    or a tag that names no release (and the reason says so)."""
    text = str(image).strip() if isinstance(image, str) else ""
    name = text.split("@", 1)[0]
    tag = name.rsplit(":", 1)[1] if ":" in name.rsplit("/", 1)[-1] else ""
    # A digest decides what runs, whatever the tag beside it says (Docker: "Pull an image by digest"; the
    # kubelet likewise): `server:1.1.1@sha256:...` must not choose the older file (found by an attack).
    match = _TAG.match(tag) if "@" not in text else None
    if match is None:
        shown = ("no image" if not text else "an image pinned by digest" if "@" in text else
                 f"image tag {tag[:40]!r}" if tag else "an image without a tag")
        _, path, label = IMAGE_FILES[-1]
        return ImageFile(path, label, f"{shown} names no release: judged with {label}, the newest omaudit embeds")
    release = (int(match[1]), int(match[2]))
    _, path, label = [entry for entry in IMAGE_FILES if entry[0] <= release][-1]
    return ImageFile(path, label, f"image tag {tag}: judged with {label}")


@dataclass(frozen=True)
class ImageDefault:
    """openmetadata.yaml is the image's own: findings point at the deployment's file that would set
    the value (`where`), and name the image's file as the value's origin."""

    shown: str  # the deployment file findings name as their resource (the compose or env file)
    where: Location  # where a value the image's file decides should be set (the server service)
    file: ImageFile = field(default_factory=lambda: image_file(None))


def _left_in(value: object, subs: list[Substitution]) -> bool:
    """Whether an unset placeholder of the line is in the value YAML read (it stays as `${NAME...}` in
    the text), not in a comment beside it."""
    text = str(value)
    return "${" in text and any(sub.name in text for sub in subs)


def _refuse_aliases(text: str, rel: str) -> None:
    """YAML aliases (`*name`, and so merge keys) in openmetadata.yaml: the server's YAML reader (Jackson's,
    through Dropwizard) is not known to expand them as omaudit's reader does (`adminPrincipals: [*a]`
    read as `[alice]` while the server got another value: found by an attack), and no real file uses
    them: refused, naming the line."""
    if "*" not in text:
        return
    import yaml  # lazy: only an openmetadata.yaml with a `*` is looked at again

    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                line = event.start_mark.line + 1 if event.start_mark is not None else "?"
                # never the alias's name: a value substituted into the text (a secret) can make one
                raise InputError(f"{WHAT} {rel}: line {line}: a YAML alias, which OpenMetadata's reader is not "
                                 "known to expand as omaudit would: not judged")
    except yaml.YAMLError:
        return  # read_yaml names the error and its line


def read_om_config(path: Path, root: Path, env: Mapping[str, Variable], image: ImageDefault | None = None
                   ) -> FileFacts:
    rel = relative(path, root) if image is None else image.shown
    try:
        text, used, original = substitute(read_input(path, WHAT, MAX_YAML_BYTES), env)
    except (SubstitutionTooLarge, SubstitutionCycle) as exc:
        raise InputError(f"{WHAT} {rel} {exc}") from None
    except PlaceholderUnread as exc:
        raise InputError(f"{WHAT} {rel}: {exc}") from None
    refuse_property_overrides(env, rel)  # -Ddw. system properties override the file, whatever sets them
    _refuse_aliases(text, rel)
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
            return image.where, (f"{described.replace(' own', '')} in the image's openmetadata.yaml "
                                 f"({image.file.label}), not set by the deployment"), True
        return Location(rel, at), described, False

    settings: dict[str, Setting] = {}
    unknown: dict[str, str] = {}
    for name, spec in SETTINGS.items():
        if spec.yaml in doc.lines:
            line = doc.line(spec.yaml)
            location, described, defaulted = where(line)
            settings[name] = Setting(doc.get(spec.yaml), location, described, defaulted)
            origin = origin_at(line)
            if origin is not None and origin.kind == "unset" and _left_in(doc.get(spec.yaml), by_line[line or 0]):
                unknown[name] = next(s.name for s in by_line[line or 0])
    secrets: list[SecretFound] = []
    for kind, spec in SECRETS.items():
        if spec.yaml not in doc.lines:
            continue
        line = doc.line(spec.yaml)
        origin = origin_at(line)
        location, described, _ = where(line)
        # set at deploy time: nothing in the files to judge; only when the placeholder is the value's, never
        # one in a comment on its line (`fernetKey: <shipped key> # rotated via ${FERNET_KEY}`: found by an attack)
        unset = origin is not None and origin.kind == "unset" and _left_in(doc.get(spec.yaml), by_line[line or 0])
        state = "reference" if unset else secret_state(kind, doc.get(spec.yaml))
        secrets.append(SecretFound(kind, ".".join(spec.yaml), state, location, described))
    # A setting left to the deployment is an Unknown: not even its text is read (`${VAR:-[admin]}` kept as
    # written must not read as "name:password" in the admin list), and only the rules that read it are
    # SKIPPED, naming it; the other settings of the same block are judged (issue 21, per attribute).
    for name, variable in unknown.items():
        settings[name] = dataclasses.replace(settings[name], value=Unknown(
            f"{rel}: {'.'.join(SETTINGS[name].yaml)} is ${{{variable}}}: {UNSET}"))
    facts, locations = build(rel, settings, secrets)
    notes = [f"{rel}: {image.file.why}"] if image is not None else []
    return FileFacts(facts, locations, notes, file=rel, defaulted=defaulted_fields(settings))


def _service_env_files(spec: object, compose: Path, root: Path, line: int | None) -> dict[str, Variable]:
    """The server service's `env_file:` (a path, a list of paths, or of `{path, required}`), read from the
    tree relative to the compose file, a later file winning. One that is not in the tree is written where
    the deployment runs: what it may set is unknown (OpenEnvironment); `required: false` and absent from
    the tree (a path inside it), none."""
    given = spec.get("env_file") if isinstance(spec, dict) else None
    entries = [given] if isinstance(given, str) else given if isinstance(given, list) else []
    out: dict[str, Variable] = {}
    for entry in entries[:64]:
        text = entry if isinstance(entry, str) else entry.get("path") if isinstance(entry, dict) else None
        required = not (isinstance(entry, dict) and entry.get("required") is False)
        if not isinstance(text, str):
            continue
        path = compose.parent / text
        inside = Path(os.path.normpath(path)).is_relative_to(root)
        if path.is_file() and not path.is_symlink() and path.resolve().is_relative_to(root.resolve()):
            out.update(resolve_env_files(parse_env_file(read_input(path, "env file", MAX_CONFIG_BYTES),
                                                        relative(path, root))))
        elif required or not inside:
            # a file outside the tree is the deploy host's, `required: false` or not: only whether it is
            # missing is optional (an optional /etc file set the admins: found by an attack)
            opened = OpenEnvironment(Variable("", Origin("unset", relative(compose, root), line)))
            opened.update(out)
            out = opened
    return out


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
    mounted: Path | None = None
    if composes:  # the container's environment: environment: over env_file; no shell variable reaches it
        # A file named `.env` only fills in the compose file itself (Docker's "Set environment variables
        # within your container's environment" / ".env file" pages): the container gets what the
        # service's environment: names, so a `.env` of hardened values nobody references hides nothing.
        # Env files given or found fill the compose file's `${}` only, as `.env` and `docker compose
        # --env-file` do; the container gets its service's `env_file:` and `environment:` (Compose's
        # "Environment variables precedence"). An env file nobody references sets nothing: a pull request
        # could add hardened values beside an unchanged compose file (found by an attack).
        rel = relative(composes[0], files.root)
        docs = read_yaml(composes[0], files.root, "compose file")
        services = docs[0].value.get("services") if docs and isinstance(docs[0].value, dict) else None
        # the service the plan chose (plan._config_deployments), else the first that runs the server, with
        # the configuration it mounts (compose.servers: what Compose would run, or refused)
        running = servers(composes[0], files.root)
        names = [found.service for found in running]
        server = files.workload if files.workload in names else (names[0] if names else None)
        mounted = next((found.config for found in running if found.service == server), None)
        if not configs and server is None:
            raise InputError(f"compose file {rel} has no service running OpenMetadata's server (image "
                             "openmetadata/server): give --om-config, or the compose file of the deployment")
        spec = services.get(server) if isinstance(services, dict) else None
        env = _service_env_files(spec, composes[0], files.root, docs[0].lines.get(("services", str(server)))
                                 if docs else None)
        env.update(compose_environment(services, rel, docs[0].lines if docs else {}, env_files, server))
        named = spec.get("image") if isinstance(spec, dict) else None  # interpolated, as Compose does
        tag = interpolate(str(named), {k: v.value for k, v in env_files.items()}) if named is not None else None
        image = ImageDefault(rel, Location(rel, docs[0].lines.get(("services", str(server))) if docs else None),
                             image_file(tag))
    else:
        env = env_files
        shown = relative(envs[0], files.root) if envs else ""
        image = ImageDefault(shown, Location(shown, 1)) if envs else None
    if configs:
        return [read_om_config(configs[0], files.root, env)]
    if composes and mounted is not None:  # the server runs the tree's file mounted over the image's
        return [read_om_config(mounted, files.root, env)]
    assert image is not None  # a compose file or an env file without openmetadata.yaml: the image's own
    return [read_om_config(image.file.path, files.root, env, image)]
