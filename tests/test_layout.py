"""The package's layout as rules a test keeps: run time apart from training, no import circles
between the config and what it reads, and one owner for "what the user switched off stays"."""

from __future__ import annotations

import ast
from pathlib import Path

import cleaner
from cleaner.annotate import protected_lines
from cleaner.config import CleanerConfig
from cleaner.segment import segment
from cleaner.types import Action, Category, Decision, Stage

PACKAGE = Path(cleaner.__file__).parent
# Training (and evaluation) may import run time; the CLI's train commands are the only door the other way.
TRAINING = ("learn/", "evaluation/")
ALLOWED_TO_TRAINING = {"cli.py"}


def imports(path: Path) -> set[str]:
    """Every module `path` imports, at top level or inside a function, TYPE_CHECKING included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_run_time_never_imports_training() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name.startswith(TRAINING) or name in ALLOWED_TO_TRAINING:
            continue
        if any(m == "cleaner.learn" or m.startswith("cleaner.learn.") for m in imports(path)):
            offenders.append(name)
    assert offenders == []


def test_the_site_rules_do_not_import_the_config() -> None:
    # The config reads the site-rules file format; the site rules must not need the config back.
    assert not any(m.startswith("cleaner.config") for m in imports(PACKAGE / "sites.py"))
    assert not any(m.startswith("cleaner.pipeline") for m in imports(PACKAGE / "sites.py"))


def test_the_models_read_no_stage_of_the_pipeline() -> None:
    # The tree engine, the line model and its features: the data model, the segmenter's word
    # pattern, the stopword lists and the packaged files' names, nothing that decides.
    allowed = ("cleaner.models", "cleaner.types", "cleaner.segment", "cleaner.topic", "cleaner.data")
    for path in sorted((PACKAGE / "models").glob("*.py")):
        inner = {m for m in imports(path) if m.startswith("cleaner.")}
        assert {m for m in inner if not m.startswith(allowed)} == set(), path.name


def drop(rule: str, category: Category | None) -> Decision:
    return Decision(Action.DROP, Stage.REVISE, rule, "why", category)


def test_allows_keeps_what_the_user_switched_off() -> None:
    config = CleanerConfig(disabled=frozenset({"related"}), disabled_rules=frozenset({"en.paywall.", "nav.crumbs"}))
    assert config.allows(drop("nav.menu", Category.NAVIGATION))
    assert not config.allows(drop("nav.menu", Category.RELATED))  # its category is off
    assert not config.allows(drop("nav.crumbs", Category.NAVIGATION))  # its rule id is off
    assert not config.allows(drop("en.paywall.wall", Category.PAYWALL))  # a prefix of its rule id is off
    assert config.allows(drop("nav.crumbsy", None))  # no category: only the rule id counts
    assert CleanerConfig().allows(drop("anything", Category.RELATED))


def test_protected_lines_are_what_a_switched_off_rule_would_take() -> None:
    blocks = segment("Subscribe to our newsletter\n\nA plain sentence about frogs and their ponds.\n")
    assert protected_lines(blocks, CleanerConfig()) == frozenset()  # nothing switched off: nothing kept back
    off = CleanerConfig(disabled=frozenset(c.value for c in Category))
    assert protected_lines(blocks, off) == frozenset({0})
    assert protected_lines(blocks, off, taken={0}) == frozenset()
    assert protected_lines(blocks, CleanerConfig(disabled_rules=frozenset({"en.newsletter."}))) == frozenset({0})


MAX_LINES = 600  # a module longer than this holds two things: split it


def test_no_module_is_too_long() -> None:
    long = {
        path.relative_to(PACKAGE).as_posix(): n
        for path in PACKAGE.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def run_time_imports(path: Path, modules: set[str]) -> set[str]:
    """The package's modules `path` imports when it runs (lazy imports inside functions count;
    `if TYPE_CHECKING:` blocks do not). `from pkg import mod` names the module, not the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module:
            subs = {f"{node.module}.{a.name}" for a in node.names} & modules
            found.update(subs)
            if len(subs) < len(node.names) and node.module in modules:
                found.add(node.module)
    return found


def test_no_import_circle() -> None:
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {name: run_time_imports(path, set(paths)) - {name} for name, path in paths.items()}
    circles = []
    for start in graph:  # a path from a module's imports back to itself is a circle
        seen: set[str] = set()
        todo = list(graph[start])
        while todo:
            name = todo.pop()
            if name == start:
                circles.append(start)
                break
            if name not in seen:
                seen.add(name)
                todo.extend(graph[name])
    assert circles == []


def test_the_circle_finder_finds_one(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("def f():\n    from cleaner import b\n", encoding="utf-8")
    modules = {"cleaner.a", "cleaner.b"}
    assert run_time_imports(tmp_path / "a.py", modules) == {"cleaner.b"}
    (tmp_path / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import cleaner.b\n")
    assert run_time_imports(tmp_path / "c.py", modules) == set()


# docs/architecture.md's layers, top to bottom: a module imports only its own layer and those above.
LAYERS = (
    (
        "types",
        "errors",
        "config",
        "topic",
        "patterns",
        "fragments",
        "rules",
        "segment",
        "sites",
        "compression",
        "usercache",
        "data",
    ),
    ("models",),
    (
        "pipeline",
        "annotate",
        "revise",
        "docview",
        "comments",
        "guard",
        "rendering",
        "pagekind",
        "fragmented",
        "markdown",
        "reading",
        "wrapped",
    ),
    ("html",),
    ("api", "records", "formats", "metadata", ""),  # "": the package's __init__
    ("batch", "cli", "display", "flags", "contrib", "io", "dask", "__main__"),
    ("learn", "evaluation", "model", "dom", "dommodel", "domcategory"),  # and the shims of moved modules
)


# The one door downwards: the command line registers the train and eval commands.
DOORS = {("cleaner.cli", "cleaner.learn.cli"), ("cleaner.cli", "cleaner.evaluation.cli")}


def layer_of(module: str) -> int:
    first = module.removeprefix("cleaner").removeprefix(".").split(".")[0]
    return next(i for i, names in enumerate(LAYERS) if first in names)


def test_each_layer_imports_only_those_above_it() -> None:
    paths = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    upward = sorted(
        f"{name} -> {target}"
        for name, path in paths.items()
        for target in run_time_imports(path, set(paths))
        if layer_of(target) > layer_of(name) and (name, target) not in DOORS
    )
    assert upward == []
