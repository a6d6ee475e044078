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
  (`${VAR:-default}`, `${VAR-default}`, `${VAR}`, `$VAR`, `$$`; from the `--env-file`s, which fill the
  compose file's `${}` as `.env` and `docker compose --env-file` do), over the files its `env_file:`
  names (read from the tree; one that is not there makes what it may set unknown; a later file wins).
  An env file nobody names sets nothing in the container.
  A value that stays unresolved is known only at deploy time.
- without: the `--env-file`s (a later file wins).
The process environment is never read (README, "Who controls what"): in a gate it is the CI job's,
with its secrets, and the repository's author chooses which variable a placeholder names.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from auditor.common.errors import InputError

MAX_NAME = 256  # characters of a placeholder's variable name ...
MAX_DEFAULT = 4096  # ... and of its default
MAX_SUBSTITUTED = 2 * 1024 * 1024  # characters of openmetadata.yaml once its placeholders are resolved
# `KEY=value`, and the YAML-style `KEY: value` that Compose's env-file parser also takes (compose-go
# dotenv, from joho/godotenv: "YAML(ish) style" lines).
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*(?:=|:(?=\s|$))\s*(.*)$")


class SubstitutionTooLarge(ValueError):
    """The resolved text would be larger than MAX_SUBSTITUTED."""


class PlaceholderUnread(ValueError):
    """A placeholder commons-text would resolve that omaudit does not read (one that spans lines, or a
    name or default past the bounds): refused, never read as the literal text the server never sees."""


class SubstitutionCycle(ValueError):
    """Placeholders whose values name each other: OpenMetadata's substitutor refuses them (commons-text
    StringSubstitutor: "Infinite loop in property interpolation"), so the server does not start."""


@dataclass(frozen=True)
class Origin:
    """Where one value came from: `kind` is env-file, compose, manifest (Kubernetes), default or unset."""

    kind: str
    file: str | None = None
    line: int | None = None
    # The placeholder that read the value, where it is another file's (a compose `${VAR}` a `.env` fills):
    # findings point at the value's line and name this one as related (SARIF relatedLocations).
    via: Origin | None = None

    def describe(self) -> str:
        where = f" {self.file}:{self.line}" if self.file else ""
        return {"env-file": f"env file{where}", "compose": f"compose environment{where}",
                "manifest": f"Kubernetes manifest{where}",
                "default": "the file's own default",
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
    """docker `.env` lines (KEY=VALUE or KEY: VALUE). Another line is ignored, as docker compose ignores it.
    A UTF-8 byte order mark is dropped first, as compose-go's dotenv reader drops it (a BOM hid a
    COMPOSE_FILE line from the check that refuses it: found by an attack)."""
    out: dict[str, Variable] = {}
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), 1):
        if raw.lstrip().startswith("#"):
            continue
        match = _ENV_LINE.match(raw)
        if match is None:
            continue
        out[match.group(1)] = Variable(_unquote(match.group(2)), Origin("env-file", name, number))
    return out


class _Without(Mapping[str, str]):
    """`lookup` without one key, without copying it (a copy per value was quadratic in the file)."""

    def __init__(self, lookup: Mapping[str, str], key: str) -> None:
        self._lookup, self._key = lookup, key

    def __getitem__(self, name: str) -> str:
        if name == self._key:
            raise KeyError(name)
        return self._lookup[name]

    def __iter__(self) -> Iterator[str]:
        return (k for k in self._lookup if k != self._key)

    def __len__(self) -> int:
        return len(self._lookup) - (self._key in self._lookup)


def resolve_env_files(variables: Mapping[str, Variable]) -> dict[str, Variable]:
    """Env file values interpolated as Compose interpolates them (`FERNET_KEY=${FERNET_KEY}` takes the
    shell's variable where the deployment runs): from the env files' own variables only, never from
    this process's environment; a value that cannot be resolved is set at deploy time (unset here)."""
    lookup = {k: v.value for k, v in variables.items()}
    out: dict[str, Variable] = {}
    for key, variable in variables.items():
        if "$" not in variable.value:
            out[key] = variable
            continue
        resolved = interpolate(variable.value, _Without(lookup, key))  # KEY=${KEY}: the shell's KEY, not itself
        out[key] = (Variable(resolved, variable.origin) if resolved is not None
                    else Variable("", Origin("unset", variable.origin.file, variable.origin.line)))
    return out


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return inner.replace("\\n", "\n").replace('\\"', '"') if value[0] == '"' else inner
    comment = re.search(r"\s#", value)  # linear: `\s+#` is quadratic on a long run of spaces
    return (value[:comment.start()] if comment else value).strip()


_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class _Token:
    """One `$$`, `$NAME`, `${NAME}` or `${NAME<op>default}` of a compose value, at [start, end)."""

    start: int
    end: int
    name: str | None  # None for `$$`
    op: str | None = None
    default: str = ""


def _compose_tokens(value: str) -> Iterator[_Token]:
    """Compose's `$` forms, left to right, in linear time: each `$` is looked at once, and the `}`
    closing a default is found once for every default that could use it (a value of a thousand
    unclosed `${A:-` costs a thousand steps, not a million)."""
    close = -2  # the first `}` at or after the last default's start; -1: there is none
    i = value.find("$")
    while i != -1:
        after = value[i + 1:i + 2]
        if after == "$":
            yield _Token(i, i + 2, None)
            i = value.find("$", i + 2)
            continue
        name = _VAR_NAME.match(value, i + 2 if after == "{" else i + 1)
        if name is not None and after != "{":
            yield _Token(i, name.end(), name.group())
            i = value.find("$", name.end())
            continue
        if name is not None:
            at = name.end()
            op = next((o for o in (":-", ":?", "-", "?") if value.startswith(o, at)), None)
            if op is None and value.startswith("}", at):
                yield _Token(i, at + 1, name.group())
                i = value.find("$", at + 1)
                continue
            if op is not None:
                if close != -1 and close < at + len(op):
                    close = value.find("}", at + len(op))
                if close != -1:
                    yield _Token(i, close + 1, name.group(), op, value[at + len(op):close])
                    i = value.find("$", close + 1)
                    continue
        i = value.find("$", i + 1)


def interpolate(value: str, lookup: Mapping[str, str], used: list[str] | None = None) -> str | None:
    """Compose's interpolation of one value; None when a variable without a default is unset (its
    value is known only where the deployment runs). The variables whose values were taken are added
    to `used`."""
    pieces: list[str] = []
    last = 0
    for token in _compose_tokens(value):
        pieces.append(value[last:token.start])
        last = token.end
        if token.name is None:
            pieces.append("$")
            continue
        current = lookup.get(token.name)
        taken = bool(current) if token.op == ":-" else current is not None
        if taken and used is not None:
            used.append(token.name)
        if token.op == ":-":
            pieces.append(current if current else token.default)
        elif token.op == "-":
            pieces.append(current if current is not None else token.default)
        elif current is None or (token.op == ":?" and not current):
            return None
        else:
            pieces.append(current)
    pieces.append(value[last:])
    return "".join(pieces)


@dataclass(frozen=True)
class _Placeholder:
    """One `${NAME}`, `${NAME:-default}` or `$${...}` of openmetadata.yaml, at [start, end)."""

    start: int
    end: int
    escaped: bool
    name: str
    default: str | None

    def text(self, source: str) -> str:
        return source[self.start:self.end]


def _placeholders(text: str) -> Iterator[_Placeholder]:
    """commons-text's placeholders as OpenMetadata's substitutor finds them, in linear time: the next `}`
    and the next line end are each found once for all the `${` before them, and a name or default longer
    than its bound is refused by arithmetic, not by scanning. commons-text matches a `}` on a later line
    too (it substitutes the whole text before YAML parses it): such a placeholder, or one past the
    bounds, raises PlaceholderUnread (a placeholder opened in a comment and closed lines below hid
    hardened decoy lines from the server and the shipped ones from omaudit: found by an attack)."""
    close = newline = -2  # cached: the first `}` / line end at or after the last `${` looked at
    last_end = 0
    i = text.find("${")
    while i != -1:
        body = i + 2
        if close != -1 and close < body:
            close = text.find("}", body)
        if close == -1:
            return  # no `}` after here: nothing more can close
        if newline != -1 and newline < body:
            newline = text.find("\n", body)
        escaped = i > last_end and text[i - 1] == "$"
        if newline != -1 and newline < close:
            if not escaped:
                line = text.count("\n", 0, i) + 1
                raise PlaceholderUnread(f"line {line}: a placeholder opens here and closes on a later line, as "
                                        "OpenMetadata's substitutor reads it: not judged (no real file needs one)")
            i = text.find("${", i + 1)
            continue
        colon = text.find(":", body, min(close, body + MAX_NAME + 1))
        name_end = close if colon == -1 else colon
        if name_end - body > MAX_NAME or (colon != -1 and text.startswith(":-", colon)
                                          and close - (colon + 2) > MAX_DEFAULT):
            if not escaped:
                line = text.count("\n", 0, i) + 1
                raise PlaceholderUnread(f"line {line}: a placeholder longer than omaudit reads: not judged")
            i = text.find("${", i + 1)
            continue
        if colon == -1 or text.startswith(":-", colon):
            default = None if colon == -1 else text[colon + 2:close]
            yield _Placeholder(i - 1 if escaped else i, close + 1, escaped, text[body:name_end].strip(), default)
            last_end = close + 1
            i = text.find("${", last_end)
            continue
        i = text.find("${", i + 1)


def server_service(services: Mapping[Any, Any]) -> Any:
    """The service that runs OpenMetadata's server: its image is openmetadata/server (or its name has
    "openmetadata"), and it is not the one-shot migration that the official compose files run first
    on the same image (`execute-migrate-all`, command `./bootstrap/openmetadata-ops.sh migrate`, in
    open-metadata/OpenMetadata docker/docker-compose-quickstart/docker-compose.yml at 1.1.1 and 1.13.1);
    `openmetadata-server` by name when several remain. None when no service runs OpenMetadata."""
    specs = {name: spec for name, spec in services.items() if isinstance(spec, dict)}
    imaged = [name for name, spec in specs.items() if "openmetadata/server" in str(spec.get("image", ""))]
    # By image first: a service merely *named* openmetadata-server (a busybox under a profile nobody
    # enables) must not stand in for the one that runs the server (found by an attack on this change).
    candidates = imaged or [name for name in specs if "openmetadata" in str(name).lower()]
    running = [name for name in candidates if "migrate" not in f"{name} {specs[name].get('command', '')}".lower()]
    started = [name for name in running if not specs[name].get("profiles")]  # profiles start only on request
    named = [name for name in started or running if str(name) == "openmetadata-server"]
    return (named or started or running or candidates or [None])[0]


def running_servers(services: Mapping[Any, Any]) -> list[Any]:
    """Every service that runs OpenMetadata's server when the file is brought up (by image, not the
    migration, not under a profile), or else the one server_service() takes: a second server service
    beside the first ran the shipped defaults unjudged (found by an attack)."""
    specs = {name: spec for name, spec in services.items() if isinstance(spec, dict)}
    started = [name for name, spec in specs.items() if "openmetadata/server" in str(spec.get("image", ""))
               and "migrate" not in f"{name} {spec.get('command', '')}".lower() and not spec.get("profiles")]
    chosen = server_service(services)
    return started if len(started) > 1 else [chosen] if chosen is not None else []


class OpenEnvironment(dict[str, Variable]):
    """A container environment with a source that is not in the scanned tree (an `env_file:` written
    where the deployment runs, a Kubernetes envFrom outside the manifests): any variable not set after
    that source may be set by it, so it is unknown (never the image's default)."""

    def __init__(self, unknown: Variable) -> None:
        super().__init__()
        self.unknown = unknown

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key, self.unknown)


def compose_environment(services: object, name: str, lines: Mapping[tuple[str | int, ...], int],
                        lookup: Mapping[str, Variable] | None = None, server: Any = None) -> dict[str, Variable]:
    """The `environment:` of the compose file's OpenMetadata server (auditor.sources.files.environment.server_service);
    of every service when none runs OpenMetadata. Values are interpolated from `lookup`; one that
    cannot be is recorded as unset (known at deploy time). A value that is one variable of `lookup`
    (`KEY: ${KEY}` with KEY in `.env`) comes from that variable's line, through the compose line."""
    values = {k: v.value for k, v in (lookup or {}).items()}
    if not isinstance(services, dict):
        return {}
    server = server if server in services else server_service(services)  # the one judged, where several run
    out: dict[str, Variable] = {}
    for service in [server] if server is not None else list(services):
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
            used: list[str] = []
            resolved = interpolate(str(value).lower() if isinstance(value, bool) else str(value), values, used)
            here = Origin("compose", name, lines.get(path))
            if resolved is None:
                origin = Origin("unset", name, here.line)
            elif len(used) == 1 and lookup is not None and lookup[used[0]].origin.file:
                origin = dataclasses.replace(lookup[used[0]].origin, via=here)
            else:
                origin = here
            variable = Variable("" if resolved is None else resolved, origin)
            if server is not None:  # one service: a later entry wins, as in Compose (an attack put decoys first)
                out[var] = variable
            else:
                out.setdefault(var, variable)
    return out


MAX_NESTING = 64  # placeholders whose values hold placeholders, one inside the next


def _resolved(value: str, env: Mapping[str, Variable], chain: tuple[str, ...], budget: list[int],
              memo: dict[str, tuple[str, str | None]]) -> tuple[str, str | None]:
    """A placeholder's value with its own placeholders resolved: commons-text's StringSubstitutor
    substitutes a replaced value again ("Variable replacement works in a recursive way ... Cyclic
    replacements are detected and will cause an exception to be thrown", its javadoc; Dropwizard's
    EnvironmentVariableSubstitutor keeps that default). (text, the name of a variable in it that only
    the deployment sets, or None). Each variable is resolved once (`memo`), every placeholder costs the
    budget at least one unit, and nesting is bounded: values that multiply each other, even empty ones,
    stop at the bound (found by an attack)."""
    if "${" not in value:
        return value, None
    if len(chain) > MAX_NESTING:
        raise SubstitutionTooLarge(f"nests placeholders in values more than {MAX_NESTING} deep")
    pieces: list[str] = []
    last = 0
    for match in _placeholders(value):
        pieces.append(value[last:match.start])
        last = match.end
        budget[0] -= 1
        if match.escaped:
            pieces.append(match.text(value)[1:])
            continue
        if match.name in chain:
            raise SubstitutionCycle("has placeholders whose values name each other (" + " -> ".join(
                (*chain, match.name)) + "): OpenMetadata's substitutor refuses them and the server does not start")
        variable = env.get(match.name)
        if (variable is None and match.default is None) or (variable is not None and variable.origin.kind == "unset"):
            return value, match.name
        if variable is not None and match.name in memo:
            inner, unset = memo[match.name]
        else:
            inner, unset = _resolved(variable.value if variable is not None else str(match.default), env,
                                     (*chain, match.name), budget, memo)
            if variable is not None:
                memo[match.name] = (inner, unset)
        budget[0] -= len(inner)
        if budget[0] < 0:
            raise SubstitutionTooLarge(f"grows past {MAX_SUBSTITUTED // (1024 * 1024)} MiB once its placeholders "
                                       "are resolved")
        if unset is not None:
            return value, unset
        pieces.append(inner)
    pieces.append(value[last:])
    return "".join(pieces), None


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

    budget = [MAX_SUBSTITUTED]  # characters the values' own placeholders may add, all told
    memo: dict[str, tuple[str, str | None]] = {}  # a variable's value, resolved once
    for match in _placeholders(text):
        size += match.start - last + sum(len(v.value) for v in (env.get(match.name),) if v)
        if size > MAX_SUBSTITUTED:
            raise SubstitutionTooLarge(f"grows past {MAX_SUBSTITUTED // (1024 * 1024)} MiB once its placeholders "
                                       "are resolved")
        put(text[last:match.start], False)
        last = match.end
        name, default = match.name, match.default
        variable = env.get(name)
        if match.escaped:  # $${X} is the literal ${X}
            put(match.text(text)[1:], False)
        elif variable is not None and variable.origin.kind == "unset":  # known only at deploy time
            used.append(Substitution(name, line, variable.origin))
            put(match.text(text), False)
        elif variable is not None or default is not None:
            origin = variable.origin if variable is not None else Origin("default")
            value, unset = _resolved(variable.value if variable is not None else str(default), env, (name,), budget,
                                     memo)
            if unset is not None:  # it names a variable only the deployment sets: so is this one
                used.append(Substitution(name, line, Origin("unset", origin.file, origin.line)))
                put(match.text(text), False)
            else:
                used.append(Substitution(name, line, origin))
                put(value, True)
        else:
            used.append(Substitution(name, line, Origin("unset")))
            put(match.text(text), False)
    put(text[last:], False)
    original, at = [1], 1
    for piece, replaced in pieces:
        for _ in range(piece.count("\n")):
            at += 0 if replaced else 1
            original.append(at)
    return "".join(p for p, _ in pieces), used, original


def refuse_property_overrides(env: Mapping[str, Variable], name: str) -> None:
    """Dropwizard applies `-Ddw.<path>=<value>` system properties over the configuration file
    (io.dropwizard.configuration.DefaultConfigurationFactoryFactory, prefix "dw."); the JVM takes them
    from JAVA_TOOL_OPTIONS, and the start script from its own *_OPTS variables: any variable carrying
    one makes the file's settings not what runs."""
    for variable, value in dict.items(dict(env) if not isinstance(env, dict) else env):  # what is set
        # read as the JVM reads it: quotes and escapes gone, any case; an `@file` of options (JDK_JAVA_OPTIONS)
        # may hold them too (quoted `-D'dw'.` and an @file passed the check: found by an attack)
        plain = re.sub(r"[\"'\\]", "", value.value).lower()
        options = variable.upper().endswith(("OPTS", "OPTIONS"))
        if "-ddw." in plain or (options and re.search(r"(^|\s)@\S", plain)):
            raise InputError(f"{value.origin.file}:{value.origin.line}: {name} sets {variable} with "
                             "system properties (-Ddw.) or an options file, which override openmetadata.yaml: "
                             "not judged")
