"""The message keys the code uses, read from its syntax tree (nothing is imported, so server code counts too).

A *key taker* is a callable one of whose arguments becomes a message key. `tr` is the only one given; every
function, method or class that hands one of its own parameters to a key taker — as it is, inside an f-string
(`f"ingest.summary.{key}"`), or by keeping it in `self.x` / a dataclass field and translating that later — is
found as one too, until nothing changes. So `UserError`, `InvalidIdentifier`, `SentLine`, the GUI's `t` and a new
helper such as `def _say(key, **params): print(tr(key, lang, **params))` are checked without anyone listing them.

What a call passes as the key is read as far as the call's own function shows it: a literal, either branch of
`a if c else b`, `a or b`, a local variable assigned or looped over such values, or a function of this project
that only ever returns literals. An f-string becomes a pattern (`gui.publisher.{}.heading`) that the test must
expand itself. Anything else is reported as unreadable; a key carried in an attribute named `key` / `*_key`
(`exc.key`, `status.error_key`) was checked where it was made.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

FuncNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True)
class Taker:
    """Argument `index` at the call site (`self` not counted) or keyword `name` holds a key, which the taker
    turns into `prefix + argument + suffix`."""

    index: int | None
    name: str | None
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class KeyUse:
    """One key argument of one call: literal keys, or an f-string pattern with `{}` for its placeholders."""

    path: Path
    line: int
    keys: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    counted: bool = False  # called with count=, so the message may have plural forms


# The one key taker given: the translation function itself, by module and name.
SEEDS: dict[tuple[str, str], tuple[Taker, ...]] = {("exposurecheck.core.i18n", "tr"): (Taker(0, "key"),)}


@dataclass(eq=False)
class Definition:
    """A function, method or class defined in one file; a class stands for its constructor."""

    path: Path
    name: str
    params: list[str]  # without self / cls; for a dataclass, its fields
    node: ast.AST  # the function, or the class
    is_method: bool = False
    bases: list[str] = field(default_factory=list)
    self_params: dict[str, str] = field(default_factory=dict)  # class: attribute -> constructor parameter it holds
    takers: tuple[Taker, ...] = ()


@dataclass
class Code:
    files: dict[Path, ast.Module]
    sources: dict[Path, str]
    defs: dict[Path, dict[str, list[Definition]]]  # per file, by name
    imports: dict[Path, dict[str, tuple[str, str]]]  # per file: local name -> (module, name)
    module_files: dict[str, Path]
    # f-strings seen through: ones that only wrap a taker's own parameter (checked at its callers) and ones whose
    # placeholders this file pins down (checked as the literal keys they make). The rest are patterns.
    seen_through: set[int] = field(default_factory=set)


def read_code(roots: list[Path]) -> Code:
    """Parse every module under `roots` (each a folder holding top-level packages) and find the key takers."""
    files: dict[Path, ast.Module] = {}
    sources: dict[Path, str] = {}
    module_files: dict[str, Path] = {}
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            sources[path] = path.read_text(encoding="utf-8")
            files[path] = ast.parse(sources[path], filename=str(path))
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            module_files[".".join(parts)] = path
    defs = {path: _definitions(path, tree) for path, tree in files.items()}
    imports = {path: _imports(tree) for path, tree in files.items()}
    code = Code(files, sources, defs, imports, module_files)
    for (module, name), takers in SEEDS.items():
        for seed in defs[module_files[module]][name]:
            seed.takers = takers
    _find_takers(code)
    return code


def _params(node: FuncNode, method: bool) -> list[str]:
    names = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
    if method and names and names[0] in ("self", "cls"):
        names = names[1:]
    return names + [a.arg for a in node.args.kwonlyargs]


def _is_dataclass(node: ast.ClassDef) -> bool:
    for deco in node.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        if (isinstance(target, ast.Name) and target.id == "dataclass") or (
            isinstance(target, ast.Attribute) and target.attr == "dataclass"
        ):
            return True
    return False


def _class_definition(path: Path, node: ast.ClassDef) -> Definition:
    bases = [b.id if isinstance(b, ast.Name) else b.attr if isinstance(b, ast.Attribute) else "" for b in node.bases]
    init = next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    if init is not None:
        params = _params(init, True)
        held = {}
        for stmt in ast.walk(init):
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Name) and stmt.value.id in params:
                for target in stmt.targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and isinstance(target.value, ast.Name)
                        and target.value.id == "self"
                    ):
                        held[target.attr] = stmt.value.id
        return Definition(path, node.name, params, node, bases=bases, self_params=held)
    if _is_dataclass(node):
        fields = [
            s.target.id for s in node.body
            if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
            and "ClassVar" not in ast.dump(s.annotation)
        ]  # fmt: skip
        return Definition(path, node.name, fields, node, bases=bases, self_params={f: f for f in fields})
    return Definition(path, node.name, [], node, bases=bases)


def _definitions(path: Path, tree: ast.Module) -> dict[str, list[Definition]]:
    found: dict[str, list[Definition]] = {}

    def visit(node: ast.AST, in_class: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                method = in_class and bool(child.args.args) and child.args.args[0].arg in ("self", "cls")
                found.setdefault(child.name, []).append(
                    Definition(path, child.name, _params(child, method), child, is_method=method)
                )
                visit(child, False)
            elif isinstance(child, ast.ClassDef):
                found.setdefault(child.name, []).append(_class_definition(path, child))
                visit(child, True)
            else:
                visit(child, in_class)

    visit(tree, False)
    return found


def _imports(tree: ast.Module) -> dict[str, tuple[str, str]]:
    names: dict[str, tuple[str, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                names[alias.asname or alias.name] = (node.module, alias.name)
    return names


def _resolve_name(code: Code, path: Path, name: str) -> list[Definition | str]:
    if name in code.defs[path]:
        return list(code.defs[path][name])
    if name in code.imports[path]:
        module, original = code.imports[path][name]
        target = code.module_files.get(module)
        if target is not None and original in code.defs[target]:
            return list(code.defs[target][original])
        return [original]
    return [name]


def _resolve(code: Code, path: Path, call: ast.Call, cls: str | None) -> list[Definition | str]:
    """What a call may call: definitions in the project, or a name from elsewhere (a seed, say)."""
    func = call.func
    if isinstance(func, ast.Name):
        return _resolve_name(code, path, func.id)
    if isinstance(func, ast.Attribute):
        value = func.value
        if (func.attr == "__init__" and isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                and value.func.id == "super" and cls is not None):  # fmt: skip
            return [
                base for c in code.defs[path].get(cls, []) for b in c.bases for base in _resolve_name(code, path, b)
            ]
        # A method: every method of that name in the project (the names of key-taking methods are distinctive).
        return [d for defs in code.defs.values() for d in defs.get(func.attr, []) if d.is_method]
    return []


def takers_of(code: Code, target: Definition | str, seen: frozenset[int] = frozenset()) -> tuple[Taker, ...]:
    if isinstance(target, str):
        return ()  # not defined in this project
    if target.takers or not isinstance(target.node, ast.ClassDef) or target.params:
        return target.takers
    # A class without a constructor of its own takes what its base takes (ProtocolError is a UserError).
    inherited: tuple[Taker, ...] = ()
    for base in target.bases:
        for found in _resolve_name(code, target.path, base):
            if isinstance(found, str) or id(found) not in seen | {id(target)}:
                inherited += takers_of(code, found, seen | {id(target)})
    return inherited


def key_argument(call: ast.Call, taker: Taker) -> ast.expr | None:
    if taker.index is not None and taker.index < len(call.args):
        arg = call.args[taker.index]
        return None if isinstance(arg, ast.Starred) else arg
    return next((k.value for k in call.keywords if k.arg == taker.name), None)


@dataclass(frozen=True)
class _Scope:
    func: FuncNode | None  # the innermost function around a call
    cls: str | None  # the class that function is a method of


def _calls(tree: ast.Module) -> Iterator[tuple[ast.Call, _Scope]]:
    def visit(node: ast.AST, scope: _Scope) -> Iterator[tuple[ast.Call, _Scope]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Call):
                yield child, scope
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield from visit(child, _Scope(child, scope.cls if scope.func is None else None))
            elif isinstance(child, ast.ClassDef):
                yield from visit(child, _Scope(None, child.name))
            else:
                yield from visit(child, scope)

    yield from visit(tree, _Scope(None, None))


def _owners(code: Code, path: Path, scope: _Scope) -> list[tuple[Definition, dict[str, str]]]:
    """The definitions whose parameters a call inside `scope` can pass on, each with {expression: parameter}:
    the function itself, and in a method of a class, the class, whose constructor parameters `self.x` holds."""
    if scope.func is None:
        return []
    owners = []
    func = next((d for d in code.defs[path].get(scope.func.name, []) if d.node is scope.func), None)
    if func is not None and scope.func.name != "__init__":
        owners.append((func, {p: p for p in func.params}))
    if scope.cls is not None:
        cls = next((d for d in code.defs[path].get(scope.cls, []) if isinstance(d.node, ast.ClassDef)), None)
        if cls is not None:
            if scope.func.name == "__init__":
                owners.append((cls, {p: p for p in cls.params}))
            else:
                owners.append((cls, {f"self.{attr}": param for attr, param in cls.self_params.items()}))
    return owners


def _find_takers(code: Code) -> None:
    changed = True
    while changed:
        changed = False
        for path, tree in code.files.items():
            for call, scope in _calls(tree):
                owners = _owners(code, path, scope)
                if not owners:
                    continue
                for target in _resolve(code, path, call, scope.cls):
                    for taker in takers_of(code, target):
                        arg = key_argument(call, taker)
                        for owner, passable in owners:
                            passed = _passed_param(arg, passable)
                            if passed is None:
                                continue
                            if isinstance(arg, ast.JoinedStr):
                                code.seen_through.add(id(arg))
                            param, prefix, suffix = passed
                            index = owner.params.index(param)
                            new = Taker(index, param, taker.prefix + prefix, suffix + taker.suffix)
                            if new not in owner.takers:
                                owner.takers = (*owner.takers, new)
                                changed = True


def _expression_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _passed_param(arg: ast.expr | None, passable: dict[str, str]) -> tuple[str, str, str] | None:
    """`key` or `f"area.{key}.x"` where key stands for a parameter: (parameter, prefix, suffix)."""
    if arg is None:
        return None
    name = _expression_name(arg)
    if name in passable:
        return passable[name], "", ""
    if isinstance(arg, ast.JoinedStr):
        holes = [i for i, v in enumerate(arg.values) if isinstance(v, ast.FormattedValue)]
        if len(holes) == 1:
            hole = arg.values[holes[0]]
            assert isinstance(hole, ast.FormattedValue)
            name = _expression_name(hole.value)
            if name in passable:
                before = "".join(str(v.value) for v in arg.values[: holes[0]] if isinstance(v, ast.Constant))
                after = "".join(str(v.value) for v in arg.values[holes[0] + 1 :] if isinstance(v, ast.Constant))
                return passable[name], before, after
    return None


def pattern_of(node: ast.JoinedStr) -> str:
    """An f-string as a pattern: `f"gui.publisher.{kind}.heading"` → `gui.publisher.{}.heading`."""
    return "".join(str(v.value) if isinstance(v, ast.Constant) else "{}" for v in node.values)


@dataclass
class _Values:
    keys: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)

    def add(self, other: _Values) -> None:
        self.keys += other.keys
        self.patterns += other.patterns


def _values(code: Code, path: Path, node: ast.expr, scope: _Scope, depth: int = 0) -> _Values | None:
    """The keys an expression can be, if this file shows them all; None otherwise."""
    if depth > 4:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return _Values([node.value])
    if isinstance(node, ast.JoinedStr):
        # Each placeholder read like a key argument: f"advice.summary.seen.{'one_item' if n == 1 else 'many_items'}"
        # is two literal keys; a placeholder this file does not pin down leaves a pattern.
        texts = [""]
        for value in node.values:
            if isinstance(value, ast.Constant):
                texts = [text + str(value.value) for text in texts]
                continue
            assert isinstance(value, ast.FormattedValue)
            hole = _values(code, path, value.value, scope, depth + 1)
            if hole is None or hole.patterns or not hole.keys:
                return _Values(patterns=[pattern_of(node)])
            texts = [text + part for text in texts for part in hole.keys]
        code.seen_through.add(id(node))
        return _Values(texts)
    parts: list[ast.expr] = []
    if isinstance(node, ast.IfExp):
        parts = [node.body, node.orelse]
    elif isinstance(node, ast.BoolOp):
        parts = list(node.values)
    elif isinstance(node, ast.Name) and scope.func is not None:
        parts = _assigned(node.id, scope.func)
    elif isinstance(node, ast.Call):
        parts = _returned(code, path, node, scope)
    elif isinstance(node, ast.Attribute) and (node.attr == "key" or node.attr.endswith("_key")):
        return _Values()  # carried from where it was made and checked (a UserError, a SourceStatus)
    if not parts:
        return None
    found = _Values()
    for part in parts:
        if isinstance(part, ast.Constant) and part.value is None:
            continue
        more = _values(code, path, part, scope, depth + 1)
        if more is None:
            return None
        found.add(more)
    return found


def _assigned(name: str, func: FuncNode, follow: bool = True) -> list[ast.expr]:
    """Every value a local variable is given in `func` (by `=` or by a `for` over a literal tuple)."""
    values: list[ast.expr] = []
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            values.append(node.value)
        elif isinstance(node, (ast.For, ast.comprehension)):
            target, items = node.target, node.iter
            if isinstance(items, ast.Name) and follow:  # for kind, keys in groups, where groups = (("added", …), …)
                named = _assigned(items.id, func, follow=False)
                items = named[0] if len(named) == 1 else items
            if not isinstance(items, (ast.Tuple, ast.List)):
                if isinstance(target, ast.Name) and target.id == name:
                    return []  # a loop over something computed: not readable here
                continue
            if isinstance(target, ast.Name) and target.id == name:
                values += items.elts
            elif isinstance(target, ast.Tuple):
                at = [i for i, t in enumerate(target.elts) if isinstance(t, ast.Name) and t.id == name]
                for item in items.elts:
                    if at and isinstance(item, ast.Tuple) and len(item.elts) == len(target.elts):
                        values.append(item.elts[at[0]])
                    elif at:
                        return []
    return values


def _returned(code: Code, path: Path, call: ast.Call, scope: _Scope) -> list[ast.expr]:
    """What a project function called here returns, when it is one function with only `return` statements."""
    targets = _resolve(code, path, call, scope.cls)
    if len(targets) != 1 or isinstance(targets[0], str) or isinstance(targets[0].node, ast.ClassDef):
        return []
    func = targets[0].node
    assert isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef))
    returns = [n.value for n in ast.walk(func) if isinstance(n, ast.Return) and n.value is not None]
    return returns


def key_uses(code: Code) -> tuple[list[KeyUse], list[tuple[Path, int, str]]]:
    """Every key passed to a key taker; and the calls whose key cannot be read here: (path, line, the call)."""
    uses: list[KeyUse] = []
    unreadable: list[tuple[Path, int, str]] = []
    for path, tree in code.files.items():
        for call, scope in _calls(tree):
            counted = any(k.arg == "count" for k in call.keywords)
            owners = _owners(code, path, scope)
            for target in _resolve(code, path, call, scope.cls):
                for taker in takers_of(code, target):
                    arg = key_argument(call, taker)
                    if arg is None or any(_passed_param(arg, passable) for _, passable in owners):
                        continue  # no key here, or the caller's own parameter: checked at the caller's calls
                    found = _values(code, path, arg, scope)
                    if found is None:
                        if taker.prefix or taker.suffix:
                            found = _Values(patterns=["{}"])
                        else:
                            unreadable.append(
                                (path, call.lineno, ast.get_source_segment(code.sources[path], call) or "")
                            )
                            continue
                    keys = tuple(taker.prefix + k + taker.suffix for k in found.keys)
                    patterns = tuple(taker.prefix + p + taker.suffix for p in found.patterns)
                    uses.append(KeyUse(path, call.lineno, keys, patterns, counted))
    return uses, unreadable


def taker_defaults(code: Code) -> Iterator[KeyUse]:
    """The default values of key-taking parameters (`too_large_key: str = "http.too_large"`)."""
    for defs in code.defs.values():
        for group in defs.values():
            for d in group:
                node: ast.AST | None = d.node
                if isinstance(node, ast.ClassDef):
                    node = next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
                if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                args = node.args
                positional = [a.arg for a in (*args.posonlyargs, *args.args)]
                defaults = dict(zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True))
                defaults |= {a.arg: v for a, v in zip(args.kwonlyargs, args.kw_defaults, strict=True) if v is not None}
                for taker in d.takers:
                    value = defaults.get(taker.name or "")
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        yield KeyUse(d.path, value.lineno, (taker.prefix + value.value + taker.suffix,))


KEY_SHAPE = re.compile(r"[a-z][a-z0-9_]*(?:\.[A-Za-z0-9_-]+)+")
PATTERN_HEAD = re.compile(r"[a-z][a-z0-9_]*\.(?:[a-z0-9_-]+\.)*[a-z0-9_-]*")


def keylike_strings(code: Code, areas: set[str]) -> Iterator[tuple[Path, int, str]]:
    """Every string constant that looks like a key of a known area (`area.word…`), wherever it stands (a dict of
    keys, a module constant): what the call analysis cannot follow, this still sees."""
    for path, tree in code.files.items():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and KEY_SHAPE.fullmatch(node.value)
                and node.value.split(".", 1)[0] in areas
            ):
                yield path, node.lineno, node.value


def keylike_patterns(code: Code, areas: set[str]) -> Iterator[tuple[Path, int, str]]:
    """Every f-string that starts like a key of a known area (`f"outcome.reason.{…}"`), wherever it stands."""
    for path, tree in code.files.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                if id(node) in code.seen_through:
                    continue
                head = str(node.values[0].value)
                if PATTERN_HEAD.fullmatch(head) and head.split(".", 1)[0] in areas:
                    yield path, node.lineno, pattern_of(node)
