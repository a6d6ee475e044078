"""Reading the files a user hands in: regular files only, capped, strictly decoded.

A FIFO would block for ever, /dev/zero never ends, and a 1 GB "token file" would be read whole
into memory; none of them is a configuration file. Every failure is one InputError naming the file.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.common.redact import register

MAX_INPUT_BYTES = 256 * 1024 * 1024  # a fleet's report.json or snapshot; read whole, so bounded
MAX_CONFIG_BYTES = 16 * 1024 * 1024  # inventories and suppressions
MAX_SECRET_BYTES = 64 * 1024  # a token file; OpenMetadata's JWTs are about 1 KB
MIN_TOKEN_CHARS = 16  # shorter values could not be redacted without masking ordinary words


def read_bytes(path: Path, what: str, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """The whole file, refused when it is not a regular file or is larger than `max_bytes`."""
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait for one for ever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{what} {path} is not a regular file")
        if info.st_size > max_bytes:
            raise InputError(f"{what} {path} is larger than {_size(max_bytes)}")
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:  # the file grew while it was read
            raise InputError(f"{what} {path} is larger than {_size(max_bytes)}")
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"cannot read {what} {path}: {exc.strerror}") from None
    finally:
        os.close(fd)


def read_input(path: Path, what: str, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """A user's input file as UTF-8 text."""
    try:
        return read_bytes(path, what, max_bytes).decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{what} {path} is not UTF-8 text") from None


def toml_tables(text: str, source: str, allowed: set[str], hint: str) -> dict[str, Any]:
    """A TOML file of omaudit's (inventory, suppressions) whose top level has only `allowed` tables.

    Every problem is an InputError naming `source`; `hint` says what the file should hold."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: {exc}") from None
    except RecursionError:
        raise InputError(f"{source}: nested too deeply") from None
    unknown = set(data) - allowed
    if unknown:
        raise InputError(f"{source}: unknown table(s) {', '.join(sorted(unknown))}; use {hint}")
    return data


def read_secret(path: Path, what: str) -> str:
    """A token file: at most 64 KiB of UTF-8, surrounding white space removed, never empty.

    The value is never part of an error message, not even its first characters.
    """
    text = read_input(path, what, MAX_SECRET_BYTES).removeprefix("\ufeff").strip()
    if not text:
        raise InputError(f"{what} {path} is empty")
    return check_token(text, f"{what} {path}")


def check_token(text: str, where: str) -> str:
    """A token as it must be sent: one word of printable characters (what, never the value, is named)."""
    if len(text) > MAX_SECRET_BYTES:
        raise InputError(f"{where} is longer than {_size(MAX_SECRET_BYTES)}")
    if len(text) < MIN_TOKEN_CHARS:  # OpenMetadata's tokens are JWTs of several hundred characters
        raise InputError(f"{where} is too short to be an OpenMetadata token (under {MIN_TOKEN_CHARS} characters)")
    if text.lower().startswith("bearer "):
        raise InputError(f"{where} starts with 'Bearer ': give only the token itself")
    if not text.isprintable() or text.split() != [text]:  # a control character; white space anywhere
        raise InputError(f"{where} holds white space or control characters inside the token")
    return text


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n // 1024} KiB"


def read_token(*, file: Path | None, env: str | None, what: str, env_required: bool = False,
               file_what: str | None = None) -> str | None:
    """The one way an admin token is read: from `file` (a token file), else from the environment
    variable `env`; checked as it must be sent, and registered for redaction before anything else can
    print it. An unset variable is None, or an InputError when `env_required` (an inventory names it)."""
    if file is not None:
        token: str | None = read_secret(file, file_what or what)
    else:
        value = os.environ.get(env, "").strip() if env else ""
        if not value and env_required:
            raise InputError(f"{what}: environment variable {env} is not set")
        token = check_token(value, f"{what}: environment variable {env}" if env_required else f"${env}") \
            if value else None
    register(token)
    return token
