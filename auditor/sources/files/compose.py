"""What a compose file deploys, as `docker compose up` in its folder would: which services run
OpenMetadata's server, and which openmetadata.yaml each runs (the image's own, or one mounted over it).

Compose merges files the deployment never names on the command line: `compose.override.yaml` or
`docker-compose.override.yml` beside the compose file, and `COMPOSE_FILE` (with `COMPOSE_PROFILES`)
from the `.env` beside it (docs.docker.com, "Merge Compose files" and "Set or change pre-defined
environment variables"). omaudit does not merge compose files: such a folder is refused, with `docker
compose config` as the way out, never judged as one of its files (an override put the shipped key back,
and COMPOSE_FILE pulled in a `.txt` no one looked at: found by an attack).
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.common.inputs import MAX_CONFIG_BYTES, read_input
from auditor.sources.files.environment import interpolate, parse_env_file, running_servers
from auditor.sources.files.result import in_checkout, read_yaml, relative

IMAGE_CONFIG = "/opt/openmetadata/conf/openmetadata.yaml"  # what the image's start script runs
IMAGE_BIN = "/opt/openmetadata/bin"  # the start scripts
OVERRIDES = ("compose.override.yaml", "compose.override.yml", "docker-compose.override.yaml",
             "docker-compose.override.yml")
COMPOSE_VARIABLES = ("COMPOSE_FILE", "COMPOSE_PROFILES", "COMPOSE_PATH_SEPARATOR")


@dataclass(frozen=True)
class Server:
    """A service of a compose file that runs OpenMetadata's server, and the openmetadata.yaml of the
    tree mounted over the image's (None: the image's own)."""

    service: str
    config: Path | None


def servers(compose: Path, root: Path) -> list[Server]:
    """Each service of the compose file that runs the server (never the one-shot migration, nor one
    under a profile), with the configuration it runs. InputError where Compose would merge files omaudit
    does not, or a service mounts a configuration that is not in the tree."""
    rel = relative(compose, root)
    for name in OVERRIDES:
        if (compose.parent / name).exists() and compose.name not in OVERRIDES:
            raise InputError(f"compose file {rel}: {relative(compose.parent / name, root)} beside it is merged over it "
                             "by docker compose, which omaudit does not do: judge the merged file (docker compose "
                             "config > merged.yml, then --compose-file merged.yml)")
    dotenv = compose.parent / ".env"
    lookup = parse_env_file(read_input(dotenv, "env file", MAX_CONFIG_BYTES), relative(dotenv, root)) \
        if dotenv.is_file() else {}
    if lookup:
        named = [k for k in lookup if k in COMPOSE_VARIABLES]
        if named:
            raise InputError(f"{relative(dotenv, root)} sets {', '.join(named)}, which choose the compose files and "
                             "profiles docker compose merges: judge the merged file (docker compose config > "
                             "merged.yml, then --compose-file merged.yml)")
    docs = read_yaml(compose, root, "compose file")
    top = docs[0].value if docs and isinstance(docs[0].value, dict) else {}
    if "include" in top:
        raise InputError(f"compose file {rel}: its top-level include: merges other compose files, which omaudit "
                         "does not do: judge the merged file (docker compose config > merged.yml)")
    services = top.get("services")
    if not isinstance(services, dict):
        return []
    values = {k: v.value for k, v in lookup.items()}
    images = {name: _image(spec, values, compose, root) for name, spec in services.items() if isinstance(spec, dict)}
    found = running_servers({name: {**spec, "image": images.get(name, "")} if isinstance(spec, dict) else spec
                             for name, spec in services.items()})
    if not found:
        unsure = [str(name) for name, image in images.items() if image is None]
        if unsure:  # an image chosen at deploy, or built here: it may run the server
            raise InputError(f"compose file {rel}: service {unsure[0]}'s image is not known before deploy "
                             "(`build:`, or an image variable no .env beside it sets): omaudit cannot tell "
                             "whether it runs OpenMetadata's server; judge the file docker compose config gives")
    return [Server(str(name), _configuration(services[name], compose, root, rel, str(name))) for name in found]


def _image(spec: dict[str, Any], values: dict[str, str], compose: Path, root: Path) -> str | None:
    """The service's image as Compose interpolates it from the `.env` beside the file; None when only the
    deployment decides it (a variable nothing sets, or `build:` without an image)."""
    image = spec.get("image")
    if image is None:
        return _built(spec.get("build"), compose, root) if "build" in spec else ""
    text = str(image)
    return interpolate(text, values) if "$" in text else text


def _built(build: Any, compose: Path, root: Path) -> str | None:
    """What a `build:` service runs, by its Dockerfile's FROM lines (Compose: `context`, default `.`;
    `dockerfile`, default `Dockerfile`, relative to the context): "openmetadata/server" when one names
    it, "" when the Dockerfile is in the tree and none does (a database built here: not the server),
    None when it cannot be read."""
    context = build if isinstance(build, str) else build.get("context", ".") if isinstance(build, dict) else None
    name = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
    if not isinstance(context, str) or not isinstance(name, str) or "://" in context:
        return None
    dockerfile = Path(os.path.normpath(compose.parent / context / name))
    if not dockerfile.is_file() or not in_checkout(dockerfile, root):
        return None
    try:
        text = read_input(dockerfile, "Dockerfile", MAX_CONFIG_BYTES)
    except InputError:
        return None
    bases = [line.split()[1] for line in text.splitlines() if line.strip().upper().startswith("FROM ")
             and len(line.split()) > 1]
    return "openmetadata/server" if any("openmetadata/server" in base for base in bases) else ""


# Keys of a server service that change what it runs in ways omaudit does not render: its start command
# (a shell that exports the shipped key and starts the server), another service's mounts, another
# file's service definition (found by an attack).
_UNRENDERED = {"entrypoint": "its entrypoint", "command": "its command", "volumes_from": "volumes_from",
               "extends": "extends"}


def _configuration(spec: Any, compose: Path, root: Path, rel: str, service: str) -> Path | None:
    if not isinstance(spec, dict):
        return None
    for key, what in _UNRENDERED.items():
        if spec.get(key) not in (None, "", []):
            raise InputError(f"compose file {rel}: service {service} sets {what}, which omaudit does not render "
                             "(it can change the server's environment and configuration): not judged")
    for kind in ("configs", "secrets"):  # Compose's configs and secrets are files placed in the container too
        for entry in spec.get(kind) or [] if isinstance(spec.get(kind), list) else []:
            target = entry.get("target") if isinstance(entry, dict) else None
            if isinstance(target, str) and _over_configuration(target):
                raise InputError(f"compose file {rel}: service {service} places a {kind[:-1]} at {target}, over the "
                                 "image's openmetadata.yaml: give that file with --om-config and this compose file "
                                 "with --compose-file")
    volumes = spec.get("volumes")
    for entry in volumes if isinstance(volumes, list) else []:
        _, target, _ = _mount(entry)
        if target is not None and (posixpath.normpath(target) + "/").startswith(IMAGE_BIN + "/"):
            raise InputError(f"compose file {rel}: service {service} mounts {target} over the image's start "
                             "scripts, which decide what the server runs: not judged")
    return _mounted(spec, compose, root, rel, service)


def _over_configuration(target: str) -> bool:
    target = posixpath.normpath(target)
    return target == IMAGE_CONFIG or IMAGE_CONFIG.startswith(target.rstrip("/") + "/")


def _mounted(spec: Any, compose: Path, root: Path, rel: str, service: str) -> Path | None:
    """The tree's openmetadata.yaml a mount puts where the image's is (the file, or a folder above it),
    relative to the compose file's folder. A named volume there, or a path outside the tree, holds what
    only the deploy host knows: refused."""
    volumes = spec.get("volumes") if isinstance(spec, dict) else None
    for entry in volumes if isinstance(volumes, list) else []:
        source, target, bind = _mount(entry)
        if source is None or target is None:
            continue
        target = posixpath.normpath(target)
        if not _over_configuration(target):
            continue
        if bind:
            inner = posixpath.relpath(IMAGE_CONFIG, target)
            host = Path(os.path.normpath(compose.parent / source / (inner if inner != "." else "")))
            if host.is_file() and in_checkout(host, root):
                return host
        raise InputError(f"compose file {rel}: service {service} mounts {source} over the image's "
                         f"openmetadata.yaml ({target}), which is not a file of the scanned tree: give the "
                         "openmetadata.yaml it mounts with --om-config and this compose file with --compose-file")
    return None


def _mount(entry: Any) -> tuple[str | None, str | None, bool]:
    """(source, container path, whether the source is a host path) of a mount, in the short syntax
    (`./conf:/opt/...:ro`, `named:/opt/...`) or the long one; (None, None, False) for anything else."""
    if isinstance(entry, str):
        parts = entry.split(":")
        if len(parts) < 2:
            return None, None, False
        return parts[0], parts[1], parts[0].startswith((".", "/", "~"))
    if isinstance(entry, dict) and entry.get("source") is not None and entry.get("target") is not None:
        return str(entry["source"]), str(entry["target"]), entry.get("type", "volume") == "bind"
    return None, None, False
