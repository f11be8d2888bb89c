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
    # pattern and the stopword lists, nothing that decides.
    allowed = ("cleaner.models", "cleaner.types", "cleaner.segment", "cleaner.topic")
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
