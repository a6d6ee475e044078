"""Peak RSS of one omaudit process, as the process itself sees it (VmHWM in /proc/self/status).

wait4's ru_maxrss is no use here: Linux carries the parent's high-water mark into a child across fork
and exec, so a child of a 200 MB test session "peaks" at 200 MB whatever it does. The wrapper below
runs omaudit's main() and, at exit, writes its own VmHWM (KiB) to the file named in OMAUDIT_PEAK_FILE.
"""

from __future__ import annotations

import sys
from pathlib import Path

WRAPPER = """
import atexit, os, sys
def _peak():
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith('VmHWM:'):
                with open(os.environ['OMAUDIT_PEAK_FILE'], 'w') as out:
                    out.write(line.split()[1])
atexit.register(_peak)
from auditor.cli import main
sys.argv = ['omaudit', *sys.argv[1:]]
main()
"""


def command(*args: str) -> list[str]:
    """The command line that runs `omaudit *args` and records its peak RSS."""
    return [sys.executable, "-c", WRAPPER, *args]


def read_peak(path: Path) -> int:
    """The recorded peak RSS in KiB, or 0 when the process wrote none."""
    try:
        return int(path.read_text().strip() or 0)
    except (OSError, ValueError):
        return 0
