"""The probe ledger: at most one default-login attempt per account and server per lockout window.

OpenMetadata locks a user after 3 failed logins for `accessBlockTime` (600 s in older releases'
conf/openmetadata.yaml). A scan makes at most one attempt; this ledger keeps every other scan on the
same machine (another output folder, another working folder, the same server spelled differently,
scans in parallel) from adding attempts within the window.

- It lives in one per-user state folder, independent of any output folder: `--state-dir`, else
  `$OMAUDIT_STATE_DIR`, else `$XDG_STATE_HOME/omaudit`, else `~/.local/state/omaudit`.
- A record is written, and fsynced, *before* the POST, under an exclusive lock: parallel scans
  serialise on it, and an attempt that then times out or errors still counts.
- Records are keyed on the account (case-folded) and the server's port plus its host name
  (lower-cased) or any address it resolves to: `localhost`, `127.1` and `HTTP://127.0.0.1` are one.
- State that cannot be read or written means no probe: the finding is SKIPPED with the reason.
Scans on different machines are coordinated only when they share the state folder.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import ipaddress
import json
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from auditor.common.errors import OmauditError
from auditor.common.inputs import read_bytes
from auditor.common.untrusted import MalformedInput, load_json

DEFAULT_WINDOW = 600.0
LEDGER = "login-probes.jsonl"
LOCK = "login-probes.lock"
LOCK_WAIT = 10.0
MAX_LEDGER_BYTES = 4 * 1024 * 1024
KEEP = 86400.0  # records older than a day are dropped when the ledger is rewritten
STATE_ENV = "OMAUDIT_STATE_DIR"


def default_state_dir() -> Path:
    if os.environ.get(STATE_ENV):
        return Path(os.environ[STATE_ENV]).expanduser()
    base = os.environ.get("XDG_STATE_HOME") or str(Path("~/.local/state").expanduser())
    return Path(base) / "omaudit"


@dataclass(frozen=True)
class Origin:
    """A server as the ledger compares it."""

    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]

    @classmethod
    def of(cls, url: str) -> Origin:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        try:
            found = {_plain(str(info[4][0])) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
        except (OSError, UnicodeError):
            found = set()
        host = _plain(host.strip("[]"))
        return cls(parts.scheme.lower(), host, port, tuple(sorted(found)))

    def same_server(self, record: dict[str, Any]) -> bool:
        if record.get("port") != self.port:
            return False
        addresses = record.get("addresses")
        known = {a for a in addresses if isinstance(a, str)} if isinstance(addresses, list) else set()
        shared = bool(set(self.addresses) & known)
        # Every spelling of this machine is one server (per port) for the ledger.
        here = {self.host, *self.addresses}
        there = {a for a in (*known, record.get("host")) if isinstance(a, str)}
        both_local = any(_local(a) for a in here) and any(_local(a) for a in there)
        return record.get("host") == self.host or shared or both_local


def _plain(address: str) -> str:
    """An address as compared: IPv4-mapped IPv6 (::ffff:127.0.0.1) is its IPv4 address; names stay."""
    try:
        parsed = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return address
    mapped = getattr(parsed, "ipv4_mapped", None)
    return str(mapped or parsed)


def _local(address: str) -> bool:
    """127.0.0.0/8, ::1, 0.0.0.0 and :: (and localhost) all reach this machine's listener."""
    if address == "localhost":
        return True
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return parsed.is_loopback or parsed.is_unspecified


class LedgerError(OmauditError):
    """The ledger cannot be read or written: no probe may be sent."""


@dataclass(frozen=True)
class ProbeLedger:
    folder: Path
    window: float = DEFAULT_WINDOW

    def claim(self, url: str, account: str, now: float | None = None) -> str | None:
        """Record an attempt on `account` at `url`, or say why none may be made.

        Returns None when the caller may now send its one attempt (the record is already on disk),
        else the reason for not sending it.
        """
        now = time.time() if now is None else now
        origin = Origin.of(url)
        try:
            with self._locked():
                records = self._read()
                for record in records:
                    at = record.get("at")
                    if (isinstance(at, int | float) and record.get("account") == account.casefold()
                            and origin.same_server(record) and now - at < self.window):
                        ago = max(0, int(now - at))
                        return (f"{account} was probed {ago} s ago (lockout window {self.window:g} s, "
                                f"state in {self.folder}); not sent again")
                self._append(records, {"at": now, "scheme": origin.scheme, "host": origin.host, "port": origin.port,
                                       "addresses": list(origin.addresses), "account": account.casefold()}, now)
        except LedgerError as exc:
            return f"no probe: {exc}"
        return None

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(self.folder / LOCK, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        except OSError as exc:
            raise LedgerError(f"the probe state folder {self.folder} is not usable ({exc.strerror})") from None
        try:
            deadline = time.monotonic() + LOCK_WAIT
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                        raise LedgerError(f"the probe state in {self.folder} stayed locked") from None
                    time.sleep(0.05)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _read(self) -> list[dict[str, Any]]:
        path = self.folder / LEDGER
        if not path.exists():
            return []
        try:
            data = read_bytes(path, "probe state", MAX_LEDGER_BYTES).decode("utf-8")
        except (OmauditError, UnicodeDecodeError):
            raise LedgerError(f"the probe state {path} cannot be read; fix or remove it") from None
        records = []
        for number, line in enumerate(data.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                record = load_json(line, "record")
            except MalformedInput:
                raise LedgerError(f"the probe state {path} is damaged at line {number}; fix or remove it") from None
            if isinstance(record, dict):
                records.append(record)
        return records

    def _append(self, records: list[dict[str, Any]], record: dict[str, Any], now: float) -> None:
        """Add a record durably; past MAX_LEDGER_BYTES / 2 the ledger is rewritten without old records."""
        path = self.folder / LEDGER
        line = json.dumps(record, sort_keys=True) + "\n"
        try:
            size = path.stat().st_size if path.exists() else 0
            if size + len(line) > MAX_LEDGER_BYTES // 2:
                keep = [r for r in records if isinstance(r.get("at"), int | float) and now - r["at"] < KEEP]
                tmp = path.with_suffix(".tmp")
                with open(tmp, "w", encoding="utf-8") as handle:
                    handle.writelines(json.dumps(r, sort_keys=True) + "\n" for r in [*keep, record])
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(tmp, path)
                return
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
            try:
                os.write(fd, line.encode())
                os.fsync(fd)
            finally:
                os.close(fd)
        except OSError as exc:
            raise LedgerError(f"the probe state in {self.folder} cannot be written ({exc.strerror})") from None
