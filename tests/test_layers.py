"""The layer contract of dvlib, read from the source with ``ast`` (every import, also those
inside functions):

- no import cycles between modules;
- a package (or top-level module) imports only itself, the base (``text``, ``runtime``,
  ``schema``, ``config``) and the layers before it in :data:`ORDER`;
- the base: ``text`` imports only ``config``/``schema``; ``runtime`` only ``config``;
  ``schema``/``config`` nothing of dvlib;
- no module imports another module's private (``_name``) names;
- dvlib never imports ``evaluation``, nor the private modules of other packages.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "dvlib"

# The layers, in the order data moves; each may import the ones before it.
ORDER = ["load", "segment", "tokenize", "label", "claims", "extract", "cluster", "compare", "report",
         "analysis", "store", "stages", "pipeline", "cli", "__init__"]
BASE = {"config": set(), "schema": set(), "runtime": {"config"}, "text": {"config", "schema"}}
# Internals of other packages dvlib must not reach into. Two sanctioned exceptions, each isolated
# in one adapter module, pinned to a version, with a fallback and a test of equal output:
# CPython's regex parser (dvlib/text/regex_parse.py) and underthesea's syllable splitter and
# word-segmentation model files (dvlib/text/wordseg.py, underthesea 9.5.0 only).
FORBIDDEN_EXTERNAL = ("sklearn.feature_extraction._", "underthesea.pipeline", "re._", "sre_")
REGEX_ADAPTER = "dvlib.text.regex_parse"
WORDSEG_ADAPTER = "dvlib.text.wordseg"


def _modules() -> dict[str, Path]:
    out = {}
    for p in sorted(PKG.rglob("*.py")):
        rel = p.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


MODULES = _modules()


@lru_cache(maxsize=None)
def _imports(name: str, path: Path) -> list[tuple[str, list[str], int]]:
    """(module imported, names imported from it, line) for every import in the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_pkg else name.split(".")[:-1]
                base = base[:len(base) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            out.append((mod, [a.name for a in node.names], node.lineno))
    return out


def _resolve(mod: str, names: list[str]) -> list[str]:
    """The dvlib modules an import statement loads (``from dvlib.x import y`` may be module y)."""
    found = []
    for n in names or [""]:
        sub = f"{mod}.{n}" if n else mod
        if sub in MODULES:
            found.append(sub)
        elif mod in MODULES:
            found.append(mod)
    return sorted(set(found))


@lru_cache(maxsize=1)
def _graph() -> dict[str, set[str]]:
    g = {}
    for name, path in MODULES.items():
        deps = set()
        for mod, names, _ in _imports(name, path):
            if mod == "dvlib" or mod.startswith("dvlib."):
                deps.update(d for d in _resolve(mod, names) if d != name)
        g[name] = deps
    return g


def _layer(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def test_every_module_is_in_a_declared_layer():
    layers = set(ORDER) | set(BASE)
    assert {_layer(m) for m in MODULES} <= layers, {_layer(m) for m in MODULES} - layers


def test_no_import_cycles():
    g = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for d in sorted(g[n]):
            if state.get(d) == 1:
                cycle = stack[stack.index(d):] + [d]
                # a package's __init__ importing its own submodules is how packages export
                if not all(a.startswith(b + ".") or b.startswith(a + ".") or a == b
                           for a, b in zip(cycle, cycle[1:])):
                    pytest.fail("import cycle: " + " -> ".join(cycle))
            elif d not in state:
                visit(d)
        stack.pop()
        state[n] = 2

    for n in sorted(g):
        if n not in state:
            visit(n)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_follow_the_layers(module):
    own = _layer(module)
    if own in BASE:
        allowed = BASE[own] | {own}
    else:
        allowed = set(BASE) | set(ORDER[:ORDER.index(own) + 1])
    for dep in _graph()[module]:
        if dep == "dvlib":
            assert own == "__init__", f"{module} imports the package root"
            continue
        assert _layer(dep) in allowed, f"{module} ({own}) imports {dep} ({_layer(dep)})"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_private_names_across_modules(module):
    for mod, names, line in _imports(module, MODULES[module]):
        if not (mod == "dvlib" or mod.startswith("dvlib.")) or mod == module:
            continue
        private = [n for n in names if n.startswith("_") and n != "__version__"]
        assert not private, f"{module}:{line} imports private {private} from {mod}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_evaluation_and_no_private_apis_of_other_packages(module):
    for mod, names, line in _imports(module, MODULES[module]):
        assert not mod.startswith("evaluation"), f"{module}:{line} imports {mod}"
        full = [mod] + [f"{mod}.{n}" for n in names]
        bad = [f for f in full if f.startswith(FORBIDDEN_EXTERNAL)]
        if module == REGEX_ADAPTER:
            bad = [f for f in bad if not f.startswith(("re._parser", "re._constants"))]
        if module == WORDSEG_ADAPTER:
            bad = [f for f in bad if not f.startswith("underthesea.pipeline.word_tokenize")]
        assert not bad, f"{module}:{line} reaches into {bad}"
        if mod.startswith("sklearn"):
            assert not any(n.startswith("_") for n in names), f"{module}:{line} {names}"
