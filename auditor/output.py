"""Writes rendered reports into an output folder: atomically, redacted, with reports/latest."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from auditor.errors import InputError


def timestamped_dir(base: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = base / stamp
    n = 1
    while candidate.exists():
        n += 1
        candidate = base / f"{stamp}-{n}"
    return candidate


def write_atomic(path: Path, text: str) -> None:
    """A temporary file in the same folder, fsynced, then renamed: never a half-written report."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def point_latest(base: Path, target: Path) -> None:
    link = base / "latest"
    tmp = base / f".latest.{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(target.name, tmp)
    os.replace(tmp, link)


def write_reports(rendered: Sequence[tuple[str, str]], out_dir: Path, *, update_latest: bool) -> list[Path]:
    """Write (file name, redacted text) pairs, all rendered beforehand. A new folder is staged and
    renamed into place whole, so a crash leaves either the complete folder or nothing; into an
    existing folder each file is atomic."""
    if not rendered:
        return []
    fresh = not out_dir.exists()
    stage = out_dir.parent / f".{out_dir.name}.partial-{os.getpid()}" if fresh else out_dir
    try:
        stage.mkdir(parents=True, exist_ok=not fresh)
        for name, text in rendered:
            write_atomic(stage / name, text)
        if fresh:
            os.rename(stage, out_dir)
        if update_latest:
            point_latest(out_dir.parent, out_dir)
    except OSError as exc:
        if fresh:
            shutil.rmtree(stage, ignore_errors=True)
        raise InputError(f"cannot write reports to {out_dir}: {exc.strerror or exc}") from None
    except BaseException:
        if fresh:
            shutil.rmtree(stage, ignore_errors=True)
        raise
    return [out_dir / name for name, _ in rendered]
