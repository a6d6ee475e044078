"""Writes rendered reports into an output folder: atomically, redacted, with reports/latest."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from auditor.common.errors import InputError
from auditor.render import renderers


def write_atomic(path: Path, text: str) -> None:
    """A temporary file in the same folder, fsynced, then renamed: never a half-written report."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace") as handle:
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


def point_latest(base: Path, target: Path) -> str | None:
    """Point base/latest at `target`; a failure is a warning (returned), never a lost report."""
    link = base / "latest"
    tmp = base / f".latest.{os.getpid()}.{secrets.token_hex(4)}"
    try:
        os.symlink(target.name, tmp)
        os.replace(tmp, link)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        return f"reports were written to {target}, but {link} could not be updated: {exc.strerror or exc}"
    return None


def _claim(base: Path) -> Path:
    """A new, empty, uniquely named folder: exclusive mkdir, so parallel scans never share one."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 10_000):
        candidate = base / (stamp if n == 1 else f"{stamp}-{n}")
        try:
            candidate.mkdir()
        except FileExistsError:
            continue
        return candidate
    raise OSError(errno.EEXIST, f"no free folder name under {base}")


MANIFEST = ".omaudit-files"  # the report files of the last run into a folder, one name a line


def _no_link_in_the_working_folder(path: Path) -> None:
    """Refuse an output folder reached through a symbolic link inside the working folder: a checkout can
    commit `out -> /somewhere` and have a gate write (and overwrite) reports there (found by an attack)."""
    here = Path.cwd()
    full = path if path.is_absolute() else here / path
    try:
        inside = full.relative_to(here)
    except ValueError:
        return  # outside the working folder: the operator named it
    step = here
    for part in inside.parts:
        step = step / part
        if step.is_symlink():
            raise InputError(f"the output folder {path} goes through the symbolic link {step.relative_to(here)} in "
                             "the working folder: refused (a checkout could point it anywhere); name a real folder")


def write_reports(rendered: Sequence[tuple[str, str]], out_dir: Path | None, base: Path
                  ) -> tuple[list[Path], list[str]]:
    """Write (file name, redacted text) pairs: into `out_dir`, or into a new time-stamped folder under
    `base` with `base/latest` pointing at it. Returns the paths and any warnings.

    A new folder is staged and renamed into place whole (onto the claimed empty folder), so a crash
    leaves the complete folder or nothing; into an existing folder each file is atomic.
    """
    if not rendered:
        return [], []
    _no_link_in_the_working_folder(out_dir if out_dir is not None else base)
    warnings: list[str] = []
    stage: Path | None = None
    target = out_dir
    rendered = [*rendered, (MANIFEST, "".join(f"{name}\n" for name, _ in rendered))]
    try:
        if out_dir is not None and out_dir.is_dir():
            warnings += _into_existing(out_dir, rendered)
        else:
            parent = out_dir.parent if out_dir is not None else base
            parent.mkdir(parents=True, exist_ok=True)
            stage = Path(tempfile.mkdtemp(prefix=".partial-", dir=parent))
            for name, text in rendered:
                write_atomic(stage / name, text)
            target = out_dir if out_dir is not None else _claim(base)
            warnings += _place(stage, target, rendered)
            stage = None
            if out_dir is None:
                warning = point_latest(base, target)
                warnings += [warning] if warning else []
    except OSError as exc:
        raise InputError(f"cannot write reports to {target or base}: {exc.strerror or exc}") from None
    finally:
        if stage is not None:
            shutil.rmtree(stage, ignore_errors=True)
    assert target is not None
    return [target / name for name, _ in rendered if name != MANIFEST], warnings


def _into_existing(folder: Path, rendered: Sequence[tuple[str, str]]) -> list[str]:
    """Write into a folder that exists, under its lock: each run reads the manifest, writes and prunes
    whole, so parallel runs into one folder never leave a mixed set."""
    with _locked(folder):
        earlier = _manifest(folder)
        for name, text in rendered:
            write_atomic(folder / name, text)
        return _prune(folder, earlier, {name for name, _ in rendered})


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive flock on the folder itself (no lock file left behind)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _own_files() -> set[str]:
    """Every file name a renderer writes: the only names omaudit ever removes."""
    return {r.filename for r in renderers().values() if r.filename}


def _manifest(folder: Path) -> list[str] | None:
    """The files omaudit wrote into `folder` last time (its manifest), or None when there is none."""
    path = folder / MANIFEST
    try:
        if not path.is_file() or path.stat().st_size > 4096:
            return None
        names = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return [n for n in names if n in _own_files()]


def _prune(folder: Path, earlier: list[str] | None, now: set[str]) -> list[str]:
    """Remove what the last run wrote here and this one did not (a report.json beside a new
    report.csv would read as this run's). Without a manifest nothing is removed; omaudit's own file
    names left there are named in a warning instead."""
    if earlier is None:
        stale = sorted(n for n in _own_files() if n not in now and (folder / n).is_file())
        return [f"{folder} also holds {', '.join(stale)} from an earlier run (no manifest): left in place"] \
            if stale else []
    kept = []
    for name in earlier:
        if name not in now:
            try:
                (folder / name).unlink()
            except FileNotFoundError:
                pass
            except OSError:  # a directory of that name, say: omaudit never removes more than its files
                kept.append(name)
    return [f"{folder}: could not remove the earlier {', '.join(kept)}"] if kept else []


def _place(stage: Path, target: Path, rendered: Sequence[tuple[str, str]]) -> list[str]:
    """Rename the staged folder onto `target` (absent, or empty and claimed); if another run filled
    `target` first, write the files into it one by one instead."""
    try:
        os.rename(stage, target)
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST) or not target.is_dir():
            raise
        shutil.rmtree(stage, ignore_errors=True)
        return _into_existing(target, rendered)
    return []
