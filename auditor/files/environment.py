"""The environment that OpenMetadata's `${VAR:-default}` placeholders are resolved against, and the
resolution itself, with the origin of every resolved value.

OpenMetadata substitutes the raw text of openmetadata.yaml before YAML parses it: its initialize()
installs `new SubstitutingSourceProvider(..., new EnvironmentVariableSubstitutor(false))`
[open-metadata/OpenMetadata: openmetadata-service/src/main/java/org/openmetadata/service/
OpenMetadataApplication.java]. Dropwizard's substitutor is commons-text's StringSubstitutor over the
environment: `${NAME}`, `${NAME:-default}`, `$${` for a literal `${`; with strict = false an unset
variable without a default stays as written. So `adminPrincipals: ${AUTHORIZER_ADMIN_PRINCIPALS:-[admin]}`
is the YAML list `[admin]` after substitution, as here.

Where a variable's value comes from (documented in the README), as Docker gives a container its
environment ("Environment variables precedence in Docker Compose", docs.docker.com):
- with `--compose-file`: the OpenMetadata service's `environment:`, interpolated as Compose does
  (`${VAR:-default}`, `${VAR-default}`, `${VAR}`, `$VAR`, `$$`; from the process environment, then
  the `--env-file`s), over the `--env-file`s (taken as the service's `env_file:`; a later file wins).
  A value that stays unresolved is known only at deploy time.
- without: the `--env-file`s (a later file wins), over the process environment (the scan may run
  where the server runs).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass

# Never across a line, and bounded: an unclosed `${` costs at most the bound, not the rest of the line.
_PLACEHOLDER = re.compile(r"\$(\$?)\{([^}:\n]{0,256})(?::-([^}\n]{0,4096}))?\}")
MAX_SUBSTITUTED = 2 * 1024 * 1024  # characters of openmetadata.yaml once its placeholders are resolved
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$")


class SubstitutionTooLarge(ValueError):
    """The resolved text would be larger than MAX_SUBSTITUTED."""


@dataclass(frozen=True)
class Origin:
    """Where one value came from: `kind` is env-file, compose, process, default or unset."""

    kind: str
    file: str | None = None
    line: int | None = None

    def describe(self) -> str:
        where = f" {self.file}:{self.line}" if self.file else ""
        return {"env-file": f"env file{where}", "compose": f"compose environment{where}",
                "process": "the process environment", "default": "the file's own default",
                "unset": "unset (no default)"}[self.kind]


@dataclass(frozen=True)
class Variable:
    value: str
    origin: Origin


@dataclass(frozen=True)
class Substitution:
    """One placeholder on one line of the substituted text."""

    name: str
    line: int
    origin: Origin


def parse_env_file(text: str, name: str) -> dict[str, Variable]:
    """docker `.env` lines. A line that is not KEY=VALUE is ignored, as docker compose ignores it."""
    out: dict[str, Variable] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        if raw.lstrip().startswith("#"):
            continue
        match = _ENV_LINE.match(raw)
        if match is None:
            continue
        out[match.group(1)] = Variable(_unquote(match.group(2)), Origin("env-file", name, number))
    return out


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return inner.replace("\\n", "\n").replace('\\"', '"') if value[0] == '"' else inner
    comment = re.search(r"\s#", value)  # linear: `\s+#` is quadratic on a long run of spaces
    return (value[:comment.start()] if comment else value).strip()


_COMPOSE_VAR = re.compile(r"\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


def interpolate(value: str, lookup: Mapping[str, str]) -> str | None:
    """Compose's interpolation of one value; None when a variable without a default is unset (its
    value is known only where the deployment runs)."""
    missing = False

    def one(match: re.Match[str]) -> str:
        nonlocal missing
        if match.group(0) == "$$":
            return "$"
        name = match.group(1) or match.group(4)
        op, default = match.group(2), match.group(3)
        current = lookup.get(name)
        if op == ":-":
            return current if current else default
        if op == "-":
            return current if current is not None else default
        if current is None or (op == ":?" and not current):
            missing = True
            return ""
        return current

    text = _COMPOSE_VAR.sub(one, value)
    return None if missing else text


def compose_environment(services: object, name: str, lines: Mapping[tuple[str | int, ...], int],
                        lookup: Mapping[str, str] | None = None) -> dict[str, Variable]:
    """The `environment:` of the compose file's OpenMetadata service (its image names
    openmetadata/server, or its name has "openmetadata"); of every service when none does. Values are
    interpolated from `lookup`; one that cannot be is recorded as unset (known at deploy time)."""
    if not isinstance(services, dict):
        return {}
    chosen = [s for s, spec in services.items() if isinstance(spec, dict)
              and ("openmetadata/server" in str(spec.get("image", "")) or "openmetadata" in str(s).lower())]
    out: dict[str, Variable] = {}
    for service in chosen or list(services):
        env = services[service].get("environment") if isinstance(services[service], dict) else None
        pairs: list[tuple[str, object, tuple[str | int, ...]]] = []
        given: str | None
        if isinstance(env, dict):
            pairs = [(str(k), v, ("services", service, "environment", str(k))) for k, v in env.items()]
        elif isinstance(env, list):
            for i, item in enumerate(env):
                key, _, text = str(item).partition("=")
                given = text if "=" in str(item) else None
                pairs.append((key.strip(), given, ("services", service, "environment", i)))
        for var, value, path in pairs:
            if value is None or not var:
                continue
            resolved = interpolate(str(value).lower() if isinstance(value, bool) else str(value), lookup or {})
            where = lines.get(path)
            out.setdefault(var, Variable(resolved, Origin("compose", name, where)) if resolved is not None
                           else Variable("", Origin("unset", name, where)))
    return out


def process_environment() -> dict[str, Variable]:
    return {key: Variable(value, Origin("process")) for key, value in os.environ.items()}


def substitute(text: str, env: Mapping[str, Variable]) -> tuple[str, list[Substitution], list[int]]:
    """`text` with every placeholder resolved as OpenMetadata resolves it, what each one used (at its
    line in the resolved text, where YAML finds it), and the original line of each resolved line (a
    value with newlines, a PEM key say, adds lines that belong to the placeholder's own)."""
    used: list[Substitution] = []
    pieces: list[tuple[str, bool]] = []  # (text, whether it replaced a placeholder)
    last = 0
    line = 1  # in the resolved text
    size = 0

    def put(piece: str, replaced: bool) -> None:
        nonlocal line
        pieces.append((piece, replaced))
        line += piece.count("\n")

    for match in _PLACEHOLDER.finditer(text):
        size += match.start() - last + sum(len(v.value) for v in (env.get(match.group(2).strip()),) if v)
        if size > MAX_SUBSTITUTED:
            raise SubstitutionTooLarge(f"grows past {MAX_SUBSTITUTED // (1024 * 1024)} MiB once its placeholders "
                                       "are resolved")
        put(text[last:match.start()], False)
        last = match.end()
        escaped, name, default = match.group(1), match.group(2).strip(), match.group(3)
        variable = env.get(name)
        if escaped:  # $${X} is the literal ${X}
            put(match.group(0)[1:], False)
        elif variable is not None and variable.origin.kind == "unset":  # known only at deploy time
            used.append(Substitution(name, line, variable.origin))
            put(match.group(0), False)
        elif variable is not None:
            used.append(Substitution(name, line, variable.origin))
            put(variable.value, True)
        elif default is not None:
            used.append(Substitution(name, line, Origin("default")))
            put(default, True)
        else:
            used.append(Substitution(name, line, Origin("unset")))
            put(match.group(0), False)
    put(text[last:], False)
    original, at = [1], 1
    for piece, replaced in pieces:
        for _ in range(piece.count("\n")):
            at += 0 if replaced else 1
            original.append(at)
    return "".join(p for p, _ in pieces), used, original
