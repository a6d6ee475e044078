"""Each module imports on its own, in a fresh interpreter: an import cycle shows only when its modules
are first imported in one order (finder -> cognito_iac -> cfn_nested -> finder, since split, ended a scan of a
CloudFormation tree in an internal error while the suite, importing in another order, passed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _modules() -> list[str]:
    return sorted(".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
                  for p in (ROOT / "auditor").rglob("*.py") if p.name != "__main__.py")


def test_every_module_imports_first() -> None:
    # One interpreter per module would take 60 s; a fresh sys.modules per module in one process is the same
    # check (a module whose import fails leaves nothing behind to mask the next).
    program = (
        "import importlib, sys\n"
        "base = set(sys.modules)\n"
        "failed = []\n"
        "for name in sys.argv[1:]:\n"
        "    for loaded in [m for m in sys.modules if m.startswith('auditor') and m not in base]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception as exc:\n"
        "        failed.append(f'{name}: {type(exc).__name__}: {exc}')\n"
        "print('\\n'.join(failed))\n")
    modules = _modules()
    assert len(modules) > 90 and "auditor.sources.files.cloudformation.template" in modules
    proc = subprocess.run([sys.executable, "-c", program, *modules], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == ""
