"""A Terraform root module (a folder of `.tf` files) evaluated to its managed resources as a plan would
list them, without a provider: variables (defaults, then terraform.tfvars, terraform.tfvars.json,
*.auto.tfvars in name order, then each --var-file, as Terraform layers them), locals, local modules
(`source = "./..."`, inside the scanned folder), `count`, `for_each` and `dynamic` blocks over known
values, and the arguments another resource of the module writes (`aws_x.y.attr`; what the provider
computes stays unknown). Each resource comes out as the plan reader (terraform/plan.py) gives its entries:
address, type, values (nested blocks as lists of objects), the references of user_pool_id and
client_id as absolute addresses, and its attributes that are unknown here, each with why.

Sources: developer.hashicorp.com/terraform/language/values/variables ("Variable Definition
Precedence"), .../meta-arguments/count, .../for_each, .../expressions/dynamic-blocks, .../modules/sources
("Local Paths"). Never read: environment variables (TF_VAR_*: the gate's own environment is not the
deployment's), remote modules (named in a note). Override files are refused (exit 2): they are not
merged here, and judging the files without them could pass what they weaken.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.common.errors import InputError
from auditor.common.inputs import read_input
from auditor.common.redact import register
from auditor.report.model import Location
from auditor.sources.files.result import in_checkout, relative
from auditor.sources.files.terraform.evaluate import (
    FILE_READER,
    Lazy,
    Scope,
    Unresolved,
    Written,
    evaluate,
    references,
    start_budget,
    unresolved_in,
)
from auditor.sources.files.terraform.syntax import (
    MAX_TF_BYTES,
    Attribute,
    Block,
    Body,
    Call,
    Lit,
    Name,
    ObjectExpr,
    Template,
    TupleExpr,
    parse_file,
    parse_json_file,
)
from auditor.sources.files.terraform.templates import FileReader

MAX_MODULE_DEPTH = 16
MAX_MODULE_TOKENS = 400_000
MAX_FILES = 500  # .tf files of one module folder
MAX_INSTANCES = 2_000  # resource and module instances of one root
_META = {"count", "for_each", "provider", "depends_on", "lifecycle", "provisioner", "connection", "timeouts"}
_LINKS = ("user_pool_id", "client_id", "resource_arn", "web_acl_arn", "identity_pool_id")  # terraform.plan.LINKS


@dataclass
class Resource:
    """One managed resource instance, as the plan reader takes it."""

    address: str
    type: str
    values: dict[str, Any]
    refs: dict[str, list[str]]
    unknown: dict[str, str]  # attribute -> why it is not known here
    location: Location
    lines: dict[str, Location] = field(default_factory=dict)  # `mfa_configuration`, `block.attribute` -> where

    def entry(self) -> dict[str, Any]:
        return {"address": self.address, "type": self.type, "values": self.values, "refs": self.refs,
                "unknown": sorted(k for k in self.unknown if k not in _LINKS), "why": self.unknown,
                "location": self.location, "lines": self.lines}


@dataclass
class Evaluated:
    resources: list[Resource] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # every file read, relative to the scanned root
    uncounted: list[tuple[str, str, str]] = field(default_factory=list)  # (address, type, why) of resources
    # whose number of instances is unknown


def is_module_folder(path: Path) -> bool:
    try:
        return path.is_dir() and any(_is_tf(p) for p in path.iterdir())
    except OSError:
        return False


def _is_tf(path: Path) -> bool:
    """A configuration file Terraform loads: `.tf` or `.tf.json`, not one it ignores (a name starting
    with `.`, ending with `~`, or `#...#`: configs.IsIgnoredFile in hashicorp/terraform)."""
    name = path.name
    ignored = name.startswith(".") or name.endswith("~") or (name.startswith("#") and name.endswith("#"))
    return name.endswith((".tf", ".tf.json")) and not ignored and path.is_file()


def read_folder(folder: Path, root: Path) -> tuple[list[Block], list[str]]:
    """The blocks of every `.tf` and `.tf.json` file of a module folder, in name order; notes."""
    notes: list[str] = []
    try:
        names = sorted(p for p in folder.iterdir() if _is_tf(p))
    except OSError as exc:
        raise InputError(f"cannot read Terraform folder {relative(folder, root)}: {exc.strerror}") from None
    if len(names) > MAX_FILES:
        raise InputError(f"Terraform folder {relative(folder, root)} holds more than {MAX_FILES} .tf files")
    blocks: list[Block] = []
    for path in names:
        rel = relative(path, root)
        if path.is_symlink() and not path.resolve().is_relative_to(root.resolve()):
            notes.append(f"{rel}: a link to a file outside the scanned folder: not read")
            continue
        if path.name in ("override.tf", "override.tf.json") or path.name.endswith(("_override.tf",
                                                                                   "_override.tf.json")):
            # Terraform merges it over the other files; judging them without it could pass what it
            # weakens (an attack did): refused, naming it.
            raise InputError(f"Terraform file {rel} is an override file, which omaudit does not merge: judge the "
                             "plan instead (terraform show -json plan.out, --terraform-plan)")
        body = _parse(path, rel)
        _Read.tokens += body.tokens
        if _Read.tokens > MAX_MODULE_TOKENS:
            raise InputError(f"Terraform folder {relative(folder, root)}: the modules read hold more than "
                             f"{MAX_MODULE_TOKENS} tokens in all: not read")
        blocks.extend(body.blocks)
    return blocks, notes


class _Read:
    """Tokens of the files one evaluation has read (reset by Loader.run): a bound on its parse cost."""

    tokens = 0


def _parse(path: Path, rel: str) -> Body:
    """A file's blocks; each file is parsed once per scan (the plan lists a folder's pools, --dir looks
    for root modules, then the scan reads them), as long as it is unchanged."""
    try:
        info = path.stat()
    except OSError:
        return _parse_now(str(path), rel, 0, 0)
    return _parse_now(str(path), rel, info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=1024)
def _parse_now(path: str, rel: str, mtime: int, size: int) -> Body:
    text = read_input(Path(path), "Terraform file", MAX_TF_BYTES).removeprefix("\ufeff")
    return parse_json_file(text, rel) if path.endswith(".json") else parse_file(text, rel)


def variable_values(folder: Path, root: Path, var_files: Sequence[Path]) -> tuple[dict[str, Any], list[str]]:
    """Values given to the root module's variables, layered as Terraform does; the files read."""
    auto = sorted(p for p in _listing(folder) if p.name.endswith((".auto.tfvars", ".auto.tfvars.json")))
    ordered = [folder / "terraform.tfvars", folder / "terraform.tfvars.json", *auto]
    # A link is followed as Terraform follows it, when it stays in the scanned folder.
    files = [p for p in ordered if p.is_file() and (not p.is_symlink() or p.resolve().is_relative_to(root.resolve()))
             ] + list(var_files)
    values: dict[str, Any] = {}
    for path in files:
        body = _parse(path, relative(path, root))
        for name, attribute in body.attributes.items():
            values[name] = located(attribute, relative(path, root), Scope({}))  # tfvars: literal values only
            if path in var_files:  # the operator's own values (secret tfvars): never shown, wherever routed
                _register_strings(values[name], 12)  # not shorter ones: enum words (OPTIONAL) would vanish
                if not in_checkout(path, root):
                    values[name] = _withheld(values[name], name, relative(path, root))
    return values, [relative(p, root) for p in files]


def _withheld(value: Any, name: str, shown: str) -> Any:
    """A value of a --var-file outside the scanned folder: the operator's (the CI job's secrets), while the
    configuration that routes it is the pull request's. It is not read into findings at all, since any
    function, key, count or template could print it in pieces shorter than masking catches (found by two
    attacks on a taint kept with the value). Only true/false, which tell nothing, are kept."""
    if isinstance(value, bool) or value is None:
        return value
    return Unresolved(f"var.{name} is given in {shown}, outside the scanned folder: the operator's values are not "
                      "read into findings, so no part of one can be shown (a tfvars file in the repository is read)")


def _register_strings(value: Any, shortest: int = 0) -> None:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and len(item) >= shortest:
            register(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _listing(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


class Loader:
    """Evaluates one root module and the local modules it calls."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.out = Evaluated()
        self.instances = 0

    def run(self, folder: Path, var_files: Sequence[Path]) -> Evaluated:
        start_budget()
        _Read.tokens = 0
        if not folder.resolve().is_relative_to(self.root):  # a link out of the checkout
            raise InputError(f"Terraform folder {folder} is outside the scanned folder {self.root}: not read")
        given, files = variable_values(folder, self.root, var_files)
        self.out.files.extend(files)
        instance = Instance(self, folder, "", given, {}, (str(folder.resolve()),))
        instance.collect()
        return self.out

    def count(self, what: str) -> None:
        self.instances += 1
        if self.instances > MAX_INSTANCES:
            raise InputError(f"Terraform module {what}: more than {MAX_INSTANCES} resource and module instances")


class Instance:
    """One module instance: its variables, lazy locals and module outputs, and its resources."""

    def __init__(self, loader: Loader, folder: Path, prefix: str, given: dict[str, Any],
                 given_refs: dict[str, list[str]], chain: tuple[str, ...]) -> None:
        self.loader = loader
        self.folder = folder
        self.prefix = prefix
        self.chain = chain
        self.blocks, notes = read_folder(folder, loader.root)
        _no_duplicates(self.blocks)
        loader.out.notes.extend(notes)
        self.given_refs = given_refs
        self.variables = self._variables(given)
        local_exprs = {name: attribute for block in self.blocks if block.type == "locals"
                       for name, attribute in block.attributes.items()}
        self.local_exprs = local_exprs
        self.calls = {block.labels[0]: block for block in self.blocks if block.type == "module" and block.labels}
        self.children: dict[str, list[tuple[str, Instance]]] = {}
        self.locals = Lazy(lambda name: located(local_exprs[name], self._file_of(name), self.scope()),
                           set(local_exprs), "local")
        self.modules = Lazy(self._module_value, set(self.calls), "module")
        self.outputs = Lazy(self._output, {b.labels[0] for b in self.blocks if b.type == "output" and b.labels},
                            "output")
        # aws_x.name.attr: the arguments another resource of this module writes (resources only: a data
        # source's attributes come from the provider, and stay unknown).
        declared: dict[str, set[str]] = {}
        for block in self.blocks:
            if block.type == "resource" and len(block.labels) == 2:
                declared.setdefault(block.labels[0], set()).add(block.labels[1])
        self.resources = {kind: Lazy(functools.partial(self._resource_object, kind), names, kind)
                          for kind, names in declared.items()}

    def _file_of(self, local: str) -> str:
        return next((b.file for b in self.blocks if b.type == "locals" and local in b.attributes), "")

    def _variables(self, given: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for block in self.blocks:
            if block.type != "variable" or not block.labels:
                continue
            name = block.labels[0]
            if name in given:
                out[name] = _typed(given[name], block)
                sensitive = block.attributes.get("sensitive")
                if sensitive is not None and isinstance(sensitive.expr, Lit) and sensitive.expr.value is True:
                    _register_strings(out[name])  # `sensitive = true`: never shown, wherever it is routed
            elif "default" in block.attributes:
                out[name] = _typed(located(block.attributes["default"], block.file, Scope({})), block)
            else:
                out[name] = Unresolved(f"var.{name} has no default and no value in a tfvars file")
        return out

    def scope(self, extra: dict[str, Any] | None = None) -> Scope:
        rel_folder = relative(self.folder, self.loader.root)
        names: dict[str, Any] = {
            **self.resources,
            "var": self.variables, "local": self.locals, "module": self.modules,
            "path": {"module": rel_folder, "root": rel_folder, "cwd": "."},
            "terraform": {"workspace": Unresolved("terraform.workspace is chosen when Terraform runs")},
            FILE_READER: FileReader(self.loader.root),
        }
        return Scope({**names, **(extra or {})})

    # ---- module calls ------------------------------------------------------------------------------

    def _module_value(self, name: str) -> Any:
        instances = self._children(name)
        if isinstance(instances, Unresolved):
            return instances
        call = self.calls[name]
        if "count" in call.attributes:
            return [child.outputs for _, child in instances]
        if "for_each" in call.attributes:
            return {key: child.outputs for key, child in instances}
        return instances[0][1].outputs if instances else Unresolved(f"module.{name} is not read")

    def _children(self, name: str) -> list[tuple[str, Instance]] | Unresolved:
        if name in self.children:
            return self.children[name]
        call = self.calls[name]
        where = f"{call.file}:{call.line}"
        source = literal_text(call.attributes["source"].expr) if "source" in call.attributes else None
        self.children[name] = []
        if not isinstance(source, str) or not source.startswith(("./", "../")):
            shown = source[:120] if isinstance(source, str) else "an unknown source"
            self.loader.out.notes.append(f"{where}: module.{name} comes from {json.dumps(shown)}: not read "
                                         "(only local modules are); its resources are not judged")
            return Unresolved(f"module.{name} is not read (not a local module)")
        folder = (self.folder / source).resolve()
        if not folder.is_relative_to(self.loader.root) or not folder.is_dir():
            self.loader.out.notes.append(f"{where}: module.{name}'s source is not a folder inside the scanned "
                                         "one: not read; its resources are not judged")
            return Unresolved(f"module.{name} is not read (outside the scanned folder)")
        if str(folder) in self.chain or len(self.chain) >= MAX_MODULE_DEPTH:
            raise InputError(f"Terraform file {where}: module.{name} calls a module that calls it (a module "
                             f"loop) or nests more than {MAX_MODULE_DEPTH} deep")
        keys = self._instance_keys(call, f"module.{name}")
        if isinstance(keys, Unresolved):
            self.loader.out.notes.append(f"{where}: module.{name} is not read: its count or for_each is unknown "
                                         f"({keys.why})")
            return keys
        made: list[tuple[str, Instance]] = []
        for key, extra in keys:
            self.loader.count(where)
            scope = self.scope(extra)
            given = {arg: located(attribute, call.file, scope) for arg, attribute in call.attributes.items()
                     if arg not in ("source", "version", "count", "for_each", "providers", "depends_on")}
            given_refs = {arg: self.absolute(references(attribute.expr), set())
                          for arg, attribute in call.attributes.items()}
            child = Instance(self.loader, folder, f"{self.prefix}module.{name}{key}.", given, given_refs,
                             (*self.chain, str(folder)))
            made.append((key, child))
        self.children[name] = made
        return made

    def _output(self, name: str) -> Any:
        block = next(b for b in self.blocks if b.type == "output" and b.labels and b.labels[0] == name)
        return located(block.attributes["value"], block.file, self.scope()) if "value" in block.attributes else None

    # ---- references, for linking a client to its pool -----------------------------------------------

    def _links(self, block: Block) -> dict[str, list[str]]:
        """What a resource's linking arguments reference, as absolute addresses; an identity pool's
        are in its cognito_identity_providers blocks."""
        refs = {link: self.absolute(references(block.attributes[link].expr), set())
                for link in _LINKS if link in block.attributes}
        for provider in _nested(block, "cognito_identity_providers"):
            for link in ("provider_name", "client_id"):
                if link in provider.attributes:
                    refs[link] = refs.get(link, []) + self.absolute(references(provider.attributes[link].expr), set())
        return refs

    def absolute(self, refs: list[str], seen: set[str]) -> list[str]:
        """References as absolute resource addresses (`module.a.aws_x.y.id`): a variable's followed
        into the caller's expression, a local's into its own, a module output's into the module."""
        out: list[str] = []
        for ref in refs:
            parts = ref.replace("[", ".[").split(".")
            root, second = parts[0], (parts[1] if len(parts) > 1 else "")
            if ref in seen:
                continue
            seen.add(ref)
            if root == "var":
                out.extend(self.given_refs.get(second, []))
            elif root == "local" and second in self.local_exprs:
                out.extend(self.absolute(references(self.local_exprs[second].expr), seen))
            elif root == "module" and second in self.calls:
                output = next((p for p in parts[2:] if not p.startswith("[")), "")
                children = self._children(second)
                for _, child in children if isinstance(children, list) else []:
                    block = next((b for b in child.blocks if b.type == "output" and b.labels == (output,)), None)
                    if block is not None and "value" in block.attributes:
                        out.extend(child.absolute(references(block.attributes["value"].expr), set()))
            elif root not in ("data", "each", "count", "path", "self", "terraform", "local", "module"):
                out.append(self.prefix + ref)
        return out

    # ---- resources ---------------------------------------------------------------------------------

    def collect(self) -> None:
        for block in self.blocks:
            if block.type == "resource" and len(block.labels) == 2:
                self._resource(block)
        for name in sorted(self.calls):
            children = self._children(name)
            for _, child in children if isinstance(children, list) else []:
                child.collect()

    def _instance_keys(self, block: Block, what: str) -> list[tuple[str, dict[str, Any]]] | Unresolved:
        """(address suffix, names in scope) for each instance: count.index, each.key and each.value."""
        if "count" in block.attributes:
            count = located(block.attributes["count"], block.file, self.scope())
            if isinstance(count, Unresolved):
                return count
            if isinstance(count, bool) or not isinstance(count, (int, float)) or count < 0:
                raise InputError(f"Terraform file {block.file}:{block.line}: {what}'s count is not a whole number")
            if count > MAX_INSTANCES:
                raise InputError(f"Terraform file {block.file}:{block.line}: {what}'s count is over {MAX_INSTANCES}")
            return [(f"[{i}]", {"count": {"index": i}}) for i in range(int(count))]
        if "for_each" in block.attributes:
            each = located(block.attributes["for_each"], block.file, self.scope())
            if isinstance(each, Unresolved):
                return each
            problem = unresolved_in(each) if isinstance(each, list) else None  # a set's members are its keys
            if problem is not None:
                return problem
            pairs = list(each.items()) if isinstance(each, dict) else [(v, v) for v in each] if isinstance(
                each, list) else None
            if pairs is None:
                raise InputError(f"Terraform file {block.file}:{block.line}: {what}'s for_each is not a map or set")
            return [(f"[{json.dumps(str(k))}]", {"each": {"key": str(k), "value": v}}) for k, v in pairs]
        return [("", {})]

    def _resource_object(self, kind: str, name: str) -> Any:
        """`kind.name` as an expression sees it: its written arguments (Written), a list of them under
        `count`, a map under `for_each`; unknown when how many instances it has is."""
        block = next(b for b in self.blocks if b.type == "resource" and tuple(b.labels) == (kind, name))
        address = f"{self.prefix}{kind}.{name}"
        keys = self._instance_keys(block, address)
        if isinstance(keys, Unresolved):
            return Unresolved(f"{address}: how many instances it has is unknown ({keys.why})")
        ignored = _ignored_changes(block)
        objects = [(extra, Written(address + key, {k: v for k, v in _body(block, self.scope(extra)).items()
                                                   if k not in ignored and "all" not in ignored}))
                   for key, extra in keys]
        if "count" in block.attributes:
            return [written for _, written in objects]
        if "for_each" in block.attributes:
            return {extra["each"]["key"]: written for extra, written in objects}
        return objects[0][1]

    def _resource(self, block: Block) -> None:
        kind, name = block.labels
        address = f"{self.prefix}{kind}.{name}"
        keys = self._instance_keys(block, address)
        if isinstance(keys, Unresolved) and kind == "aws_cognito_user_pool_client":
            # It may exist (once or more) or not: judged as a client whose every written argument is
            # unknown, so the rules that read a client are SKIPPED naming why, and the pool's own rules
            # are still judged (it was dropped, and a module of only such a client was refused).
            why = f"{address} may be created or not: its count or for_each is unknown ({keys.why})"
            refs = self._links(block)
            configured = sorted({*block.attributes, *(b.labels[0] if b.type == "dynamic" and b.labels else b.type
                                                       for b in block.blocks)} - _META)
            self.loader.out.resources.append(Resource(
                address, kind, {}, {**refs, "configured": configured},
                {name: why for name in configured if name not in _LINKS}, Location(block.file, block.line),
                _written(block)))
            return
        if isinstance(keys, Unresolved):
            self.loader.out.notes.append(f"{block.file}:{block.line}: {address} is not judged: how many instances "
                                         f"it has is unknown ({keys.why})")
            self.loader.out.uncounted.append((address, kind, keys.why))
            return
        for key, extra in keys:
            self.loader.count(f"{block.file}:{block.line}")
            scope = self.scope(extra)
            values = _body(block, scope)
            unknown: dict[str, str] = {}
            ignored = _ignored_changes(block)
            for attribute, value in list(values.items()):
                problem = unresolved_in(value)
                if problem is None and (attribute in ignored or "all" in ignored):
                    # An existing resource keeps the state's value: what is written may never be applied
                    # (a pull request could write a hardened value Terraform ignores: found by an attack).
                    problem = Unresolved(f"{address}{key}.{attribute} is under lifecycle ignore_changes: an "
                                         "existing resource keeps what its state holds")
                if problem is not None:
                    unknown[attribute] = problem.why
                    del values[attribute]
            refs = self._links(block)
            configured = sorted({*block.attributes, *(b.labels[0] if b.type == "dynamic" and b.labels else b.type
                                                       for b in block.blocks)} - _META)
            self.loader.out.resources.append(Resource(
                f"{address}{key}", kind, values, {**refs, "configured": configured}, unknown,
                Location(block.file, block.line), _written(block)))


def _ignored_changes(block: Block) -> set[str]:
    """`lifecycle { ignore_changes = [...] }`: those arguments keep what the state holds, so what the block
    writes is not what the plan knows ("all": none of them is)."""
    names: set[str] = set()
    for lifecycle in (b for b in block.blocks if b.type == "lifecycle"):
        given = lifecycle.attributes.get("ignore_changes")
        items = given.expr.items if given is not None and isinstance(given.expr, TupleExpr) else (
            (given.expr,) if given is not None else ())
        for item in items:
            root = item
            while not isinstance(root, Name) and hasattr(root, "obj"):
                root = root.obj
            if isinstance(root, Name):
                names.add(root.name)
            elif isinstance(root, Lit) and isinstance(root.value, str):
                names.add(root.value)
    return names


def _nested(block: Block, name: str) -> list[Block]:
    """A resource's nested blocks of one type, written out or as a `dynamic` block's content."""
    found = [b for b in block.blocks if b.type == name]
    found += [c for b in block.blocks if b.type == "dynamic" and b.labels[:1] == (name,)
              for c in b.blocks if c.type == "content"]
    return found


def located(attribute: Attribute, file: str, scope: Scope) -> Any:
    """evaluate(), with a refusal (a bound passed) naming the file and line of the expression."""
    try:
        return evaluate(attribute.expr, scope)
    except InputError as exc:
        if str(exc).startswith("Terraform "):
            raise
        raise InputError(f"Terraform file {file}:{attribute.line}: {exc}") from None


def literal_text(expr: Any) -> str | None:
    """A module's `source`: Terraform takes only a literal string there, so nothing is evaluated."""
    if isinstance(expr, Lit) and isinstance(expr.value, str):
        return expr.value
    if isinstance(expr, Template) and all(isinstance(p, str) for p in expr.parts):
        return "".join(str(p) for p in expr.parts)
    return None


def _no_duplicates(blocks: list[Block]) -> None:
    """Terraform refuses a module that declares a resource, variable, module, output or local twice:
    so does this reader (the second one would otherwise silently win, or hide the first)."""
    seen: dict[tuple[str, ...], Block] = {}
    for block in blocks:
        names: list[tuple[str, ...]] = []
        if block.type in ("resource", "data") and len(block.labels) == 2:
            names = [(block.type, *block.labels)]
        elif block.type in ("variable", "module", "output") and block.labels:
            names = [(block.type, block.labels[0])]
        elif block.type == "locals":
            names = [("local", name) for name in block.attributes]
        for name in names:
            if name in seen:
                raise InputError(f"Terraform file {block.file}:{block.line}: {'.'.join(name)} is declared twice "
                                 f"(also at {seen[name].file}:{seen[name].line}); Terraform refuses the module")
            seen[name] = block


def _written(block: Block) -> dict[str, Location]:
    """Where each argument and nested block (and a nested block's arguments) is written."""
    out = {name: Location(block.file, attribute.line) for name, attribute in block.attributes.items()}
    for child in block.blocks:
        name = child.labels[0] if child.type == "dynamic" and child.labels else child.type
        out.setdefault(name, Location(child.file, child.line))
        for inner, attribute in child.attributes.items():
            out.setdefault(f"{name}.{inner}", Location(child.file, attribute.line))
    return out


def _body(block: Block, scope: Scope) -> dict[str, Any]:
    """A block's arguments and nested blocks as the plan shows them (nested blocks: lists of objects;
    a dynamic block expanded over its for_each)."""
    values: dict[str, Any] = {name: located(attribute, block.file, scope)
                              for name, attribute in block.attributes.items() if name not in _META}
    for child in block.blocks:
        if child.type in _META:
            continue
        if child.type != "dynamic":
            values.setdefault(child.type, []).append(_body(child, scope))
            continue
        label = child.labels[0] if child.labels else "dynamic"
        content = child.children("content")
        each = located(child.attributes["for_each"], child.file, scope) if "for_each" in child.attributes else None
        iterator = child.attributes.get("iterator")
        var = iterator.expr.name if iterator is not None and isinstance(iterator.expr, Name) else label
        if isinstance(each, Unresolved) or not content:
            values[label] = each if isinstance(each, Unresolved) else Unresolved(f"dynamic {label} has no content")
            continue
        pairs = list(each.items()) if isinstance(each, dict) else list(enumerate(each)) if isinstance(
            each, list) else []
        expanded = values.setdefault(label, [])
        if isinstance(expanded, list):
            for key, value in pairs:
                expanded.append(_body(content[0], scope.child({var: {"key": key, "value": value}})))
    return values


def _typed(value: Any, block: Block) -> Any:
    """A variable's value converted to its declared type, as Terraform converts it
    (developer.hashicorp.com/terraform/language/expressions/type-constraints): "true" for a bool, "8"
    for a number; an object type keeps only its declared attributes and fills `optional(type,
    default)` ones; a set of strings is sorted and without duplicates."""
    declared = block.attributes.get("type")
    return _convert(value, declared.expr) if declared is not None else value


def _convert(value: Any, kind: Any, depth: int = 0) -> Any:
    if value is None or isinstance(value, Unresolved) or depth > 32:
        return value
    if isinstance(kind, Name):
        if kind.name == "bool" and value in ("true", "false"):
            return value == "true"
        if kind.name == "number" and isinstance(value, str):
            try:
                return int(value) if value.lstrip("-").isdigit() else float(value)
            except ValueError:
                return value
        if kind.name == "string" and isinstance(value, (bool, int, float)):
            return ("true" if value else "false") if isinstance(value, bool) else str(value)
        return value
    if not isinstance(kind, Call) or not kind.args:
        return value
    inner = kind.args[0]
    if kind.name in ("list", "set") and isinstance(value, list):
        items = [_convert(v, inner, depth + 1) for v in value]
        if kind.name == "set" and all(isinstance(v, str) for v in items):
            return sorted(set(items))
        return items
    if kind.name == "map" and isinstance(value, dict):
        return {k: _convert(v, inner, depth + 1) for k, v in value.items()}
    if kind.name == "object" and isinstance(inner, ObjectExpr) and isinstance(value, dict):
        out: dict[str, Any] = {}
        for key_expr, type_expr in inner.items:
            name = str(key_expr.value) if isinstance(key_expr, Lit) else None
            if name is None:
                return Unresolved("an object type omaudit cannot read")
            optional = type_expr if isinstance(type_expr, Call) and type_expr.name == "optional" and type_expr.args \
                else None
            attribute_type = optional.args[0] if optional is not None else type_expr
            given = value.get(name)
            if given is None and optional is not None and len(optional.args) > 1:
                given = evaluate(optional.args[1], Scope({}))
            out[name] = _convert(given, attribute_type, depth + 1)
        return out
    return value


def module_sources(folder: Path, root: Path) -> list[Path]:
    """The local module folders a module folder calls, inside the scanned folder (one outside it is
    never read), without evaluating anything."""
    try:
        blocks, _ = read_folder(folder, root)
    except InputError:
        return []
    out = []
    for block in blocks:
        if block.type == "module" and "source" in block.attributes:
            source = literal_text(block.attributes["source"].expr)
            if isinstance(source, str) and source.startswith(("./", "../")):
                target = Path(os.path.normpath(folder / source))
                if target.resolve().is_relative_to(root.resolve()) and target.is_dir():
                    out.append(target)
    return out
