"""Phrase rules as data: loading, validation and one-pass matching.

Vocabulary lives in `cleaner/rules/<lang>.toml` (one file per language, rules grouped by
category inside it); this module only holds the mechanism. Each rule has a stable id
`<lang>.<category>.<name>`, a one-line `why`, and positive/negative examples that the test
suite runs, so a rule cannot silently stop matching what it was written for.

A rule's `scope` says how much of the line the phrase must cover. That, more than the wording,
is what keeps article prose safe: "Read also" as a whole line is a related-links header, but
"as you can read also in our report" inside a sentence is prose.

- `line`:   the normalised line is the phrase (fullmatch). Labels, headers, buttons.
- `prefix`: the line starts with the phrase and has at most `max_words` words.
- `short`:  the phrase occurs in a line of at most `max_words` words. Calls to action.

Matching cost, measured on whole-page text: trying an alternation of all patterns at every
position of every line costs ~40 µs a line. So each rule's pattern is analysed once for the
literal strings any match must contain (`required_literals`), and all those literals go into
one trie-shaped expression: the gate. Only `short` rules (searched anywhere in a line) are
gated; `line` and `prefix` rules are anchored at the start and fail fast without one. A line
through the gate meets only the rules whose own literals occur in it. Ungated rules are OR-ed,
per scope, into one prefilter, and only lines that hit it are checked rule by rule, to name
the rule and apply its word limit. The test suite checks that
`RuleSet.match` agrees with checking every rule one by one on all examples.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import import_module, resources
from pathlib import Path
from typing import Any

from cleaner.types import Category


class RuleError(ValueError):
    """A rule file is invalid; the message names the file and the rule."""


class Scope(StrEnum):
    LINE = "line"
    PREFIX = "prefix"
    SHORT = "short"


_SCOPE_RANK = {Scope.LINE: 2, Scope.PREFIX: 1, Scope.SHORT: 0}
_DEFAULT_MAX_WORDS = {Scope.LINE: 10_000, Scope.PREFIX: 30, Scope.SHORT: 20}
_LINE_SCOPE_MAX_CHARS = 300  # a longer line is never a whole-line label


@dataclass(frozen=True)
class Rule:
    id: str
    category: Category
    lang: str
    scope: Scope
    pattern: str
    why: str
    max_words: int
    header: bool  # starts a block that the context pass extends (related teasers)
    priority: int
    pos: tuple[str, ...]
    neg: tuple[str, ...]
    order: int

    @property
    def regex(self) -> re.Pattern[str]:
        return _compile(self.pattern)

    def matches(self, norm: str, words: int) -> bool:
        """Whether this rule fires on a normalised line with `words` words."""
        if self.scope is Scope.LINE:
            return len(norm) <= _LINE_SCOPE_MAX_CHARS and self.regex.fullmatch(norm) is not None
        if words > self.max_words:
            return False
        if self.scope is Scope.PREFIX:
            return self.regex.match(norm) is not None
        return self.regex.search(norm) is not None


@lru_cache(maxsize=4096)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


class _Group:
    """Rules matched together: per scope, an OR-ed prefilter, then the rules one by one."""

    def __init__(self, rules: Sequence[Rule]):
        self.by_scope: dict[Scope, tuple[Rule, ...]] = {}
        self.prefilter: dict[Scope, re.Pattern[str]] = {}
        self.max_words: dict[Scope, int] = {}
        for scope in Scope:
            members = tuple(r for r in rules if r.scope is scope)
            if members:
                self.by_scope[scope] = members
                self.prefilter[scope] = re.compile("|".join(f"(?:{r.pattern})" for r in members))
                self.max_words[scope] = max(r.max_words for r in members)

    def match(self, norm: str, words: int, best: Rule | None) -> Rule | None:
        for scope, prefilter in self.prefilter.items():
            if scope is Scope.LINE:
                if len(norm) > _LINE_SCOPE_MAX_CHARS or prefilter.fullmatch(norm) is None:
                    continue
            elif words > self.max_words[scope]:
                continue
            elif scope is Scope.PREFIX:
                if prefilter.match(norm) is None:
                    continue
            elif prefilter.search(norm) is None:
                continue
            for rule in self.by_scope[scope]:
                if rule.matches(norm, words) and (best is None or _rank(rule) > _rank(best)):
                    best = rule
        return best


class RuleSet:
    """An immutable, compiled collection of rules. Build once, share across documents."""

    def __init__(self, rules: Sequence[Rule]):
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.by_id: dict[str, Rule] = {r.id: r for r in self.rules}
        literals: set[str] = set()
        gated: list[tuple[Rule, tuple[str, ...]]] = []
        ungated: list[Rule] = []
        for rule in self.rules:
            required = required_literals(rule.pattern) if rule.scope is Scope.SHORT else None
            if required is None or not all(selective(lit) for lit in required):
                ungated.append(rule)  # line and prefix rules are anchored: cheap without a gate
            else:
                gated.append((rule, tuple(sorted(required))))
                literals |= required
        self._gate = re.compile(trie_pattern(literals)) if literals else None
        self._gated = tuple(gated)
        self._gated_max_words = max((r.max_words for r, _ in gated), default=0)
        self._ungated = _Group(ungated)
        self.ungated_ids: tuple[str, ...] = tuple(r.id for r in ungated)

    def __len__(self) -> int:
        return len(self.rules)

    def match(self, norm: str, words: int) -> Rule | None:
        """The best rule for a normalised line, or None.

        Best = highest priority, then the scope covering more of the line, then file order.
        """
        best = self._ungated.match(norm, words, None)
        if words <= self._gated_max_words and self._gate is not None and self._gate.search(norm) is not None:
            # Only the rules whose own literals occur can match: `in` is far cheaper than a search.
            for rule, required in self._gated:
                if (best is None or _rank(rule) > _rank(best)) and any(lit in norm for lit in required):
                    best = rule if rule.matches(norm, words) else best
        return best


# -- literal analysis --------------------------------------------------------------------------


# The stdlib's own regex parser (re._parser, stable since 3.11; typeshed has no stubs for it).
sre_parser: Any = import_module("re._parser")
sre_constants: Any = import_module("re._constants")


def required_literals(pattern: str) -> set[str] | None:
    """Strings of which every match of `pattern` contains at least one, or None if unknown.

    Walks the parsed pattern: a run of literal characters is such a string; a group or a
    repeat with min >= 1 passes on its child's set; an alternation unites its branches' sets
    (unknown if any branch is); a sequence keeps its most selective member set (longest
    shortest literal). Anything optional or a character class contributes nothing.
    """
    try:
        return _required(sre_parser.parse(pattern))
    except (re.error, RecursionError):
        return None


def _required(items: Any) -> set[str] | None:
    c = sre_constants
    best: set[str] | None = None
    run: list[str] = []

    def consider(found: set[str] | None) -> None:
        nonlocal best
        if not found:
            return
        if best is None or _selectivity(found) > _selectivity(best):
            best = found

    for op, arg in items:
        if op is c.LITERAL:
            run.append(chr(arg))
            continue
        if run:
            consider({"".join(run)})
            run = []
        if op is c.SUBPATTERN:
            consider(_required(arg[-1]))
        elif op is c.BRANCH:
            branches = [_required(b) for b in arg[1]]
            if all(b is not None for b in branches):
                consider(set().union(*(b for b in branches if b is not None)))
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT) and arg[0] >= 1:
            consider(_required(arg[2]))
    if run:
        consider({"".join(run)})
    return best


def _selectivity(literals: set[str]) -> tuple[bool, int, int]:
    return (all(selective(lit) for lit in literals), min(map(len, literals)), -len(literals))


def selective(literal: str) -> bool:
    """Whether a literal is rare enough in text to gate on: four or more characters of which
    three are letters or digits (" app" yes, " to " and "ad" no), or a symbol prose rarely
    uses (©, @, parentheses)."""
    alnum = sum(ch.isalnum() for ch in literal)
    if alnum >= 3 and len(literal) >= 4:
        return True
    return any(not ch.isalnum() and not ch.isspace() and ch not in "'-.,:" for ch in literal)


Trie = dict[str, "Trie"]


def trie_pattern(words: Iterable[str]) -> str:
    """One regex matching any of `words`, shaped as a trie so `re` never backtracks across
    hundreds of alternatives (a flat alternation of ~600 literals is several times slower)."""
    trie: Trie = {}
    for word in sorted(set(words)):
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: Trie) -> str:
        ends = "" in node
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else f"{body}?"
        return body

    return emit(trie)


def _rank(rule: Rule) -> tuple[int, int, int]:
    return (rule.priority, _SCOPE_RANK[rule.scope], -rule.order)


# -- loading -----------------------------------------------------------------------------------


def packaged_rule_files() -> list[Path]:
    """The shipped rule files, sorted by name so that rule order is deterministic."""
    folder = resources.files("cleaner") / "rules"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".toml"))


def parse_rule_file(path: Path, start_order: int = 0, default_lang: str = "user") -> list[Rule]:
    """Parse and validate one rule file; errors name the file and the rule."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleError(f"{path}: cannot read rule file: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}: invalid TOML: {exc}") from exc
    lang = str(data.get("lang", default_lang))
    entries = data.get("rule", [])
    if not isinstance(entries, list):
        raise RuleError(f"{path}: 'rule' must be an array of tables ([[rule]])")
    rules = []
    for i, entry in enumerate(entries):
        where = f"{path}: rule #{i + 1} ({entry.get('name', '?')})"
        try:
            rules.append(_parse_rule(entry, lang, start_order + i))
        except (KeyError, ValueError, TypeError, re.error) as exc:
            raise RuleError(f"{where}: {exc}") from exc
    return rules


def _parse_rule(entry: dict[str, object], lang: str, order: int) -> Rule:
    unknown = set(entry) - {
        "name",
        "category",
        "scope",
        "pattern",
        "why",
        "max_words",
        "header",
        "priority",
        "pos",
        "neg",
    }
    if unknown:
        raise ValueError(f"unknown key(s) {sorted(unknown)}")
    name = str(entry["name"])
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ValueError(f"name {name!r} must be lower-case letters, digits and hyphens")
    category = Category(str(entry["category"]))
    scope = Scope(str(entry.get("scope", "line")))
    pattern = str(entry["pattern"])
    compiled = re.compile(pattern)
    if compiled.groupindex:
        raise ValueError("named groups are not allowed in patterns (use (?:...))")
    why = str(entry.get("why", "")).strip()
    if not why:
        raise ValueError("every rule needs a one-line 'why'")
    pos = tuple(str(x) for x in _as_list(entry.get("pos", [])))
    if not pos:
        raise ValueError("every rule needs at least one positive example in 'pos'")
    max_words = entry.get("max_words", _DEFAULT_MAX_WORDS[scope])
    assert isinstance(max_words, int)
    priority = entry.get("priority", 0)
    assert isinstance(priority, int)
    return Rule(
        id=f"{lang}.{category.value}.{name}",
        category=category,
        lang=lang,
        scope=scope,
        pattern=pattern,
        why=why,
        max_words=max_words,
        header=bool(entry.get("header", False)),
        priority=priority,
        pos=pos,
        neg=tuple(str(x) for x in _as_list(entry.get("neg", []))),
        order=order,
    )


def _as_list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, got {type(value).__name__}")
    return value


def load_rules(extra_files: Iterable[Path] = ()) -> list[Rule]:
    """All packaged rules, then the user's, with unique ids checked."""
    rules: list[Rule] = []
    for path in packaged_rule_files():
        rules.extend(parse_rule_file(path, len(rules), default_lang=path.stem))
    for path in extra_files:
        rules.extend(parse_rule_file(Path(path), len(rules)))
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            raise RuleError(f"duplicate rule id {rule.id!r}")
        seen[rule.id] = rule
    return rules


@lru_cache(maxsize=16)
def build_ruleset(
    extra_files: tuple[Path, ...] = (),
    disabled: frozenset[Category] = frozenset(),
    disabled_rules: frozenset[str] = frozenset(),
) -> RuleSet:
    """The compiled rule set for a configuration.

    Cached on its (immutable, hashable) inputs so that nothing is compiled per document; the
    cache holds only compiled package data and user rule files, never anything per document.
    """

    def off(rule_id: str) -> bool:
        return any(rule_id == d or (d.endswith(".") and rule_id.startswith(d)) for d in disabled_rules)

    return RuleSet([r for r in load_rules(extra_files) if r.category not in disabled and not off(r.id)])
