"""The package's architecture holds: layers run one way, no import loops, small modules.

Every import of a passeur module is counted, also one inside a function, so a loop cannot
hide behind a late import. ARCHITECTURE.md describes the layers this test enforces.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "cli" / "passeur"

# Bottom to top. A module may import its own layer (without a loop) and the layers below it.
LAYERS = [
    {"errors"},
    {"text", "textio", "models"},
    {"translation", "fidelity", "memory", "summary"},
    {"brief", "batch"},
    {"api"},
    {"commands", "cli", "__main__", "__init__"},
]
MAX_LINES = 400
MAX_TOP_LEVEL_MODULES = 8


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """The passeur modules `name` imports, anywhere in the file."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            targets = [origin] + [f"{origin}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            if target in known:
                found.add(target)
    found.discard(name)
    return found


def layer_of(name: str) -> int:
    parts = name.split(".")
    key = parts[1] if len(parts) > 1 else "__init__"
    for rank, names in enumerate(LAYERS):
        if key in names:
            return rank
    raise AssertionError(f"{name}: no layer is declared for '{key}' (add it to LAYERS and ARCHITECTURE.md)")


def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {name: imports_of(name, path, known) for name, path in mods.items()}


def test_no_module_imports_a_higher_layer():
    upward = [f"{a} (layer {layer_of(a)}) imports {b} (layer {layer_of(b)})"
              for a, deps in graph().items() for b in deps
              if b != "passeur" and a != "passeur" and layer_of(b) > layer_of(a)]
    assert not upward, "\n".join(upward)


def test_no_import_loops():
    edges = {a: {b for b in deps if b != "passeur"} for a, deps in graph().items() if a != "passeur"}
    state: dict[str, int] = {}
    loops: list[str] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                loops.append(" -> ".join(trail[trail.index(nxt):] + [node, nxt]) if nxt in trail else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, trail + [node])
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            visit(name, [])
    assert not loops, "\n".join(loops)


def test_the_package_root_is_only_the_facade():
    """`passeur` itself may import only its façade lazily (translate_text from api)."""
    assert graph()["passeur"] <= {"passeur.api"}


def test_modules_are_small():
    big = [f"{p.relative_to(PACKAGE)}: {n} lines" for p in PACKAGE.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES]
    assert not big, "\n".join(big)


def test_few_modules_at_the_top():
    top = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(top) <= MAX_TOP_LEVEL_MODULES, top


def test_own_modules_are_imported_at_the_top():
    """Imports of passeur's own modules sit at module level, where a loop fails loudly."""
    late = []
    mods = modules()
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in ast.walk(tree):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("passeur")):
                    late.append(f"{path.relative_to(PACKAGE)}:{node.lineno} (in {func.name})")
                elif isinstance(node, ast.Import) and any(a.name.startswith("passeur") for a in node.names):
                    late.append(f"{path.relative_to(PACKAGE)}:{node.lineno} (in {func.name})")
    allowed = {"__init__.py"}  # the package root defers `api` so `passeur --help` stays light
    late = [entry for entry in late if entry.split(":")[0] not in allowed]
    assert not late, "\n".join(late)


def test_commands_call_the_api():
    """The commands use the façade (`passeur.api`), the I/O edge (`textio`) and the batch
    runner; the subsystems behind the façade can change without touching them."""
    allowed = ("passeur.api", "passeur.errors", "passeur.textio", "passeur.batch", "passeur.commands")
    g = graph()
    direct = [f"{a} imports {b}" for a, deps in g.items() if a.startswith(("passeur.commands", "passeur.cli"))
              for b in deps if b != "passeur" and not b.startswith(allowed)]
    assert not direct, "\n".join(direct)


def test_the_command_table_matches_the_commands():
    """`passeur --help` lists each command with its own summary, without importing it."""
    import importlib

    import click

    from passeur.cli import COMMANDS

    for name, (module, attribute, summary) in COMMANDS.items():
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command) and command.name == name
        first = " ".join(command.help.strip().split("\n\n")[0].split())
        assert first.startswith(summary.rstrip(".")), (name, first, summary)


def test_no_benchmark_code_ships():
    """Benchmarks live in bench/ at the repository root, outside the wheel."""
    shipped = [p.relative_to(PACKAGE) for p in PACKAGE.rglob("*.py") if "bench" in p.name]
    assert not shipped, shipped
