"""Each module imports on its own, in a fresh interpreter: an import cycle shows only when its modules
are first imported in one order (finder -> cognito_iac -> cfn_nested -> finder, since split, ended a scan of a
CloudFormation tree in an internal error while the suite, importing in another order, passed)."""

from __future__ import annotations

import ast
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


def _imports_of(path: Path, known: set[str]) -> tuple[set[str], list[int]]:
    """The auditor modules a module imports anywhere but under TYPE_CHECKING (an import inside a
    function hides a cycle from the interpreter, not from this), and the lines of its imports inside
    functions that no comment explains."""
    lines = path.read_text().splitlines()
    tree = ast.parse("\n".join(lines))
    typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(block.test) for n in ast.walk(block)}
    in_functions = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
                    for n in ast.walk(f)}
    targets: set[str] = set()
    unexplained: list[int] = []
    for node in ast.walk(tree):
        if id(node) in typing_only or not isinstance(node, ast.Import | ast.ImportFrom):
            continue
        names = ([f"{node.module}.{a.name}" for a in node.names] if isinstance(node, ast.ImportFrom) and node.module
                 else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
        for name in names:
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name:
                targets.add(name)
        if id(node) in in_functions:
            above = node.lineno - 2
            while above >= 0 and (lines[above].strip().startswith(("import ", "from ")) or not lines[above].strip()):
                above -= 1
            said = any("#" in line for line in lines[node.lineno - 1:node.end_lineno])
            if not said and not (above >= 0 and lines[above].strip().startswith("#")):
                unexplained.append(node.lineno)
    return targets, unexplained


def test_no_import_cycle_and_every_lazy_import_says_why() -> None:
    """Issue 20: no cycle among auditor's modules, hidden or not, and an import inside a function only
    with a one-line reason (on it, or above its block)."""
    paths = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
             for p in (ROOT / "auditor").rglob("*.py")}
    graph: dict[str, set[str]] = {}
    unexplained: list[str] = []
    for module, path in paths.items():
        targets, lines = _imports_of(path, set(paths))
        # importing a package's submodule runs the package first: that edge is Python's, not a cycle
        graph[module] = {t for t in targets if t != module and not module.startswith(t + ".")}
        unexplained += [f"{path.relative_to(ROOT)}:{line}" for line in lines]
    cycles = [component for component in _strongly_connected(graph) if len(component) > 1]
    assert cycles == []
    assert unexplained == []


def _strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                found.append(sorted(component))
    return found
