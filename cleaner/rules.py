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
position of every line costs ~40 µs a line. Two analyses of each pattern (`cleaner.patterns`), done
once, avoid it:

- the literal strings any match must contain (`required_literals`): where they are selective, the
  rule is gated on them. One Aho-Corasick pass over the line (pyahocorasick, a dependency with
  wheels for Linux, macOS and Windows) finds every literal at once, and only the rules owning the
  literals found are tried: a line holding none is done after one call. Rules of every scope are
  gated so (measured: 2-2.5x faster than the regex gate). Without pyahocorasick the same literals
  go into one trie-shaped regex (`patterns.LiteralSearch`), for `short` rules only: a regex scan costs more
  than the anchored buckets below where literals such as " the" are in most lines. Both ways give
  the same matches (tested).
- the rules left (anchored at the start: `line` and `prefix`; and ungated `short` ones):
  bucketed by the characters a match can start with (`first_chars`), so a line meets only the
  alternation of its first character's bucket; a hit there is checked rule by rule, to name the
  rule and apply its word limit.

Rules with no selective literal or no definite first character go everywhere. The test suite
checks that `RuleSet.match` agrees with checking every rule one by one on all examples.

Start-up: a bucket's alternation is compiled the first time a line meets it, and the packaged
rules, parsed, validated and analysed, are kept in the user's cache folder (`cleaner.usercache`,
~/.cache/cleaner) under a hash of the rule files, this code and the Python: a later start reads
one JSON file instead of parsing ~270 patterns twice. The buckets' and the gate's compiled code
is kept there too (`cleaner.patterns.compile_cached`). A stale or unreadable entry is rebuilt.
"""

from __future__ import annotations

import hashlib
import re
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from cleaner import fragments, patterns, usercache
from cleaner.config import rule_switched_off
from cleaner.patterns import (
    LiteralSearch,
    compile_cached,
    first_chars,
    nested_repeat,
    opcodes,
    required_literals,
    selective,
    sre_constants,
    sre_parser,
    top_level_branches,
)
from cleaner.segment import make_block
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
    header: bool  # starts a block that the context pass extends (related teasers, or comments)
    priority: int
    pos: tuple[str, ...]
    neg: tuple[str, ...]
    order: int
    # A header that only ever sits inside an article ("Read also:"): its teasers are taken in any
    # text. Others ("Latest articles", "Most read") take them only in a text that holds an article:
    # on a listing those lines are the listing (`revise.related_blocks`).
    inline: bool = False

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


_Pregate = tuple[frozenset[str], tuple[str, ...]]  # (first characters, literals): see `patterns.pregate`


@dataclass(frozen=True)
class _Shape:
    """What the compiled set needs to know of a rule's pattern (`cleaner.patterns`' analyses)."""

    required: tuple[str, ...] | None  # literals one of which every match holds (None: unknown)
    branches: tuple[tuple[str, frozenset[str] | None], ...]  # top-level branches, their first characters
    pregate: _Pregate | None = None  # `short` rules: what a line needs to be searched (`patterns.pregate`)


_SHAPES: dict[tuple[str, bool], _Shape] = {}  # (pattern, short?) -> shape; filled from the rule cache too


def _shape(rule: Rule) -> _Shape:
    """The analysis of a rule's pattern, done once per pattern and process (parsing ~270 patterns
    with the stdlib's parser costs a fifth of a second: the rule cache keeps it across runs)."""
    short = rule.scope is Scope.SHORT
    found = _SHAPES.get((rule.pattern, short))
    if found is None:
        required = required_literals(rule.pattern)
        found = _SHAPES[rule.pattern, short] = _Shape(
            None if required is None else tuple(sorted(required)),
            tuple((b, None if short else first_chars(b)) for b in top_level_branches(rule.pattern)),
            patterns.pregate(rule.pattern) if short else None,
        )
    return found


# (scope, the alternation of the bucket's branches, the largest word limit, the rules, and for
# `short` rules the cheap test a line must pass to be searched: `_pregate`).
_Buckets = tuple[tuple[Scope, re.Pattern[str], int, tuple[Rule, ...], _Pregate | None], ...]
_MAX_FIRST_CHARS = 4096


class _Anchored:
    """Rules anchored at the line's start (`line`, `prefix`, and ungated `short` ones).

    They are bucketed by the first character a match can start with, so a line meets only the
    alternation of the rules that can start with its first character: the 70-odd whole-line
    rules OR-ed together cost ~16 µs a line, a bucket a small fraction of that. A bucket's
    alternation is compiled the first time a line starting with its character is matched: a
    small document meets a few of the ~40 buckets, and compiling them all took most of start-up.
    """

    def __init__(self, rules: Sequence[Rule]):
        self.rules = tuple(rules)
        # (rule, branch, first characters) for every top-level branch of every pattern.
        branches = [(r, b, f) for r in self.rules for b, f in _shape(r).branches]
        keys = sorted({ch for _, _, f in branches if f is not None for ch in f})
        self._default_branches = [(r, b) for r, b, f in branches if f is None]
        self._branches_of = {ch: [(r, b) for r, b, f in branches if f is None or ch in f] for ch in keys}
        self._by_char: dict[str, _Buckets] = {}  # compiled on first use
        self._default: _Buckets | None = None

    @staticmethod
    def _buckets(branches: Sequence[tuple[Rule, str]]) -> _Buckets:
        out = []
        for scope in Scope:
            mine = [(r, b) for r, b in branches if r.scope is scope]
            if mine:
                prefilter = compile_cached("|".join(f"(?:{b})" for _, b in mine))
                members = tuple(dict.fromkeys(r for r, _ in mine))  # each rule once, in order
                pregate = _pregate(members) if scope is Scope.SHORT else None
                out.append((scope, prefilter, max(r.max_words for r in members), members, pregate))
        return tuple(out)

    def _compiled(self, first: str) -> _Buckets:
        """The buckets for lines starting with `first`, compiled now if they are not yet."""
        branches = self._branches_of.get(first)
        if branches is None:
            if self._default is None:
                self._default = self._buckets(self._default_branches)
            if len(self._by_char) < _MAX_FIRST_CHARS:  # so that the next such line is one look-up
                self._by_char[first] = self._default
            return self._default
        found = self._by_char[first] = self._buckets(branches)
        return found

    def match(self, norm: str, words: int, best: Rule | None) -> Rule | None:
        buckets = self._by_char.get(norm[:1])
        if buckets is None:
            buckets = self._compiled(norm[:1])
        for scope, prefilter, max_words, members, pregate in buckets:
            if scope is Scope.LINE:
                if len(norm) > _LINE_SCOPE_MAX_CHARS or prefilter.fullmatch(norm) is None:
                    continue
            elif words > max_words:
                continue
            elif scope is Scope.PREFIX:
                if prefilter.match(norm) is None:
                    continue
            elif not _passes(pregate, norm) or prefilter.search(norm) is None:
                continue
            for rule in members:
                if (best is None or _rank(rule) > _rank(best)) and rule.matches(norm, words):
                    best = rule
        return best


def _pregate(rules: Sequence[Rule]) -> _Pregate | None:
    """The test for a bucket of `short` rules: a line passing any rule's (None if one has none)."""
    firsts: set[str] = set()
    literals: set[str] = set()
    for rule in rules:
        found = _shape(rule).pregate
        if found is None:
            return None
        firsts |= found[0]
        literals.update(found[1])
    return frozenset(firsts), tuple(sorted(literals))


def _passes(pregate: _Pregate | None, norm: str) -> bool:
    return pregate is None or norm[:1] in pregate[0] or any(lit in norm for lit in pregate[1])


class RuleSet:
    """An immutable, compiled collection of rules. Build once, share across documents."""

    def __init__(self, rules: Sequence[Rule], native: bool = True):
        self.rules: tuple[Rule, ...] = tuple(rules)
        self.by_id: dict[str, Rule] = {r.id: r for r in self.rules}
        owners: dict[str, list[Rule]] = {}
        ungated: list[Rule] = []
        native = native and patterns.ahocorasick() is not None
        # Natively every scope is gated; the regex gate is slower than the anchored buckets for
        # `line` and `prefix` rules (their literals, such as " the", are in most lines).
        gated = (Scope.SHORT, Scope.LINE, Scope.PREFIX) if native else (Scope.SHORT,)
        for rule in self.rules:
            required = _shape(rule).required
            if required is None or rule.scope not in gated or not all(selective(lit) for lit in required):
                ungated.append(rule)
            else:
                for lit in required:
                    owners.setdefault(lit, []).append(rule)
        # Each literal's rules with their rank, searched for all at once (`patterns.LiteralSearch`).
        self._literals = LiteralSearch({lit: tuple((_rank(r), r) for r in rs) for lit, rs in owners.items()}, native)
        self._gated_max_words = max((r.max_words for rs in owners.values() for r in rs), default=0)
        self._anchored = _Anchored(ungated)
        # The most words a line matched by a `prefix` or `short` rule can have: a longer line that
        # is also too long for a `line` rule is matched by none (long paragraphs, a fifth of a text).
        self._reach = max((r.max_words for r in self.rules if r.scope is not Scope.LINE), default=0)
        self.ungated_ids: tuple[str, ...] = tuple(r.id for r in ungated)
        self._memo: dict[tuple[str, int], Rule | None] = {}

    def __len__(self) -> int:
        return len(self.rules)

    def match(self, norm: str, words: int) -> Rule | None:
        """The best rule for a normalised line, or None.

        Best = highest priority, then the scope covering more of the line, then file order.
        Remembered per line (a pure function of it): a cleaning's later passes, a page's repeated
        menu lines and a site's template lines are matched once. Short lines only, and at most
        MEMO_SIZE of them: memory stays bounded on any stream.
        """
        if len(norm) > MEMO_CHARS:
            return self._match(norm, words)
        key = (norm, words)
        memo = self._memo
        if key in memo:
            return memo[key]
        found = self._match(norm, words)
        if len(memo) >= MEMO_SIZE:
            memo.clear()
        memo[key] = found
        return found

    def forget(self) -> None:
        """Empty the memo of matched lines (benchmarks time matching as if every line were new)."""
        self._memo.clear()

    def _match(self, norm: str, words: int) -> Rule | None:
        if words > self._reach and len(norm) > _LINE_SCOPE_MAX_CHARS:
            return None
        best = self._anchored.match(norm, words, None)
        if words > self._gated_max_words:
            return best
        top = None if best is None else _rank(best)
        for ranked in self._literals.find(norm):
            for rank, rule in ranked:
                if (top is None or rank > top) and rule.matches(norm, words):
                    best, top = rule, rank
        return best


MEMO_SIZE = 50_000
MEMO_CHARS = 300


def _rank(rule: Rule) -> tuple[int, int, int]:
    return (rule.priority, _SCOPE_RANK[rule.scope], -rule.order)


# -- loading -----------------------------------------------------------------------------------


def packaged_rule_files() -> list[Path]:
    """The shipped rule files, sorted by name so that rule order is deterministic."""
    folder = resources.files("cleaner") / "rules"
    rule_file = [p for p in folder.iterdir() if p.name.endswith(".toml") and p.name != fragments.FRAGMENTS_FILE]
    return sorted(Path(str(p)) for p in rule_file)


def parse_rule_file(path: Path, start_order: int = 0, default_lang: str = "user", check: bool = False) -> list[Rule]:
    """Parse and validate one rule file; errors name the file and the rule.

    `check`: also refuse patterns the merged matcher would read differently from the rule alone,
    and run every rule's own examples (user files; the packaged rules pass the same checks in
    the test suite, so their start-up cost is not paid at every run).
    """
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise RuleError(f"{path}: cannot read rule file: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RuleError(f"{path}: invalid TOML: {exc}") from exc
    except RecursionError:
        raise RuleError(f"{path}: invalid TOML: nested too deeply") from None
    lang = data.get("lang", default_lang)
    if not isinstance(lang, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", lang):
        raise RuleError(f"{path}: lang must be a name of letters, digits, '_' and '-', got {lang!r}")
    entries = data.get("rule", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise RuleError(f"{path}: 'rule' must be an array of tables ([[rule]])")
    rules = []
    for i, entry in enumerate(entries):
        where = f"{path}: rule #{i + 1} ({entry.get('name', '?')})"
        try:
            rule = _parse_rule(entry, lang, start_order + i)
            if check:
                check_rule(rule)
        except (KeyError, ValueError, TypeError, re.error, RecursionError) as exc:
            raise RuleError(f"{where}: {_problem(exc)}") from exc
        rules.append(rule)
    if check:
        check_merged(rules, path)
    return rules


def _problem(exc: BaseException) -> str:
    if isinstance(exc, KeyError):
        return f"missing key {exc}"
    if isinstance(exc, RecursionError):
        return "pattern nested too deeply"
    return str(exc)


def _parse_rule(entry: dict[str, object], lang: str, order: int) -> Rule:
    unknown = set(entry) - {
        "name",
        "category",
        "scope",
        "pattern",
        "why",
        "max_words",
        "header",
        "inline",
        "priority",
        "pos",
        "neg",
    }
    if unknown:
        raise ValueError(f"unknown key(s) {sorted(unknown)}")
    name = _text(entry, "name")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ValueError(f"name {name!r} must be lower-case letters, digits and hyphens")
    category = Category(_text(entry, "category"))
    scope = Scope(_text(entry, "scope", "line"))
    pattern = fragments.expand(_text(entry, "pattern"))  # `(?&name)`: a fragment the files share (`cleaner.fragments`)
    compiled = re.compile(pattern)
    if compiled.groupindex:
        raise ValueError("named groups are not allowed in patterns (use (?:...))")
    why = _text(entry, "why", "").strip()
    if not why:
        raise ValueError("every rule needs a one-line 'why'")
    pos = _texts(entry, "pos")
    if not pos:
        raise ValueError("every rule needs at least one positive example in 'pos'")
    max_words = _whole(entry, "max_words", _DEFAULT_MAX_WORDS[scope], low=1)
    priority = _whole(entry, "priority", 0)
    header = entry.get("header", False)
    if not isinstance(header, bool):
        raise TypeError(f"header must be true or false, got {header!r}")
    inline = entry.get("inline", False)
    if not isinstance(inline, bool) or (inline and not header):
        raise TypeError(f"inline must be true or false, and only on a header, got {inline!r}")
    return Rule(
        id=f"{lang}.{category.value}.{name}",
        category=category,
        lang=lang,
        scope=scope,
        pattern=pattern,
        why=why,
        max_words=max_words,
        header=header,
        inline=inline,
        priority=priority,
        pos=pos,
        neg=_texts(entry, "neg"),
        order=order,
    )


def _text(entry: dict[str, object], key: str, default: str | None = None) -> str:
    value = entry[key] if default is None else entry.get(key, default)
    if not isinstance(value, str):
        raise TypeError(f"{key} must be a string, got {value!r}")
    return value


def _texts(entry: dict[str, object], key: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
        raise TypeError(f"{key} must be a list of strings, got {value!r}")
    return tuple(value)


def _whole(entry: dict[str, object], key: str, default: int, low: int | None = None) -> int:
    value = entry.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or (low is not None and value < low):
        least = "" if low is None else f" of at least {low}"
        raise TypeError(f"{key} must be a whole number{least}, got {value!r}")
    return value


def check_rule(rule: Rule) -> None:
    """Refuse what a rule file can say but the merged matcher cannot honour, and run the rule's
    own examples. All rules of a scope are OR-ed into one expression, so a backreference would
    point at another rule's group and an inline flag such as (?i) would apply to every rule (or,
    not at the start, fail to compile); such rules are refused rather than kept apart."""
    pattern = rule.pattern
    if re.compile(pattern).flags & ~re.UNICODE:
        raise ValueError("inline flags such as (?i) would apply to every merged rule; lines are lower-cased already")
    if any(op in (sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS) for op in opcodes(sre_parser.parse(pattern))):
        raise ValueError("backreferences (\\1, (?P=name), (?(1)...)) are not allowed: merged, groups are renumbered")
    if nested_repeat(sre_parser.parse(pattern)):
        raise ValueError(
            "nested unbounded repeats such as (a+)+ or (\\w+\\s?)* can take exponential time on one line "
            "(a 29-byte line took 17 s): make the inner repeat possessive (a++) or the parts distinct"
        )
    for branch in top_level_branches(pattern):
        re.compile(f"(?:{branch})")  # as the merged expression takes it
    if re.match(pattern, "") is not None:
        raise ValueError("the pattern matches an empty string, so it would fire on every line")
    for text in rule.pos:
        if not rule.matches(*_as_line(text)):
            raise ValueError(f"positive example {text!r} does not fire the rule")
    for text in rule.neg:
        if rule.matches(*_as_line(text)):
            raise ValueError(f"negative example {text!r} fires the rule")


def check_merged(rules: Sequence[Rule], path: Path) -> None:
    """Each positive example must fire its rule (or one that outranks it) through the compiled
    set too, which is what runs: a pattern the prefilters or the literal gate misread is refused."""
    merged = RuleSet(rules)
    for rule in rules:
        for text in rule.pos:
            found = merged.match(*_as_line(text))
            if found is None or _rank(found) < _rank(rule):
                raise RuleError(
                    f"{path}: rule {rule.id}: positive example {text!r} fires the pattern alone "
                    "but not the compiled rule set"
                )


def _as_line(text: str) -> tuple[str, int]:
    """An example as `annotate` sees a line: normalised text and word count."""
    block = make_block(0, text)
    return block.norm, block.words


def load_rules(extra_files: Iterable[Path] = ()) -> list[Rule]:
    """All packaged rules, then the user's, with unique ids checked."""
    rules = _packaged_rules()
    for path in extra_files:
        rules.extend(parse_rule_file(Path(path), len(rules), check=True))
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            raise RuleError(f"duplicate rule id {rule.id!r}")
        seen[rule.id] = rule
    return rules


def _packaged_rules() -> list[Rule]:
    """The packaged rules, parsed, validated and with their patterns analysed: from the user's
    cache (`cleaner.usercache`) when it was made from these very rule files by this code and
    Python, else done now and cached for the next start."""
    paths = packaged_rule_files()
    key = _cache_key(paths)
    if key is not None:
        cached = usercache.read(_CACHE_NAME, key)
        if isinstance(cached, list) and cached:
            try:
                found = [_from_cache(entry) for entry in cached]
            except (KeyError, TypeError, ValueError):
                pass  # not what this code writes: rebuilt and written again below
            else:
                for rule, shape in found:
                    _SHAPES.setdefault((rule.pattern, rule.scope is Scope.SHORT), shape)
                return [rule for rule, _ in found]
    rules: list[Rule] = []
    for path in paths:
        rules.extend(parse_rule_file(path, len(rules), default_lang=path.stem))
    if key is not None:
        usercache.write(_CACHE_NAME, key, [_to_cache(rule) for rule in rules])
    return rules


_CACHE_NAME = f"rules-{sys.implementation.cache_tag}.json"


def _cache_key(paths: Sequence[Path]) -> str | None:
    """A hash of what the cached rules are derived from: the rule files, the code that parses
    and analyses them (this module, `cleaner.patterns`) and the Python (its regex parser)."""
    digest = hashlib.sha256(f"cleaner rules cache 1\0{sys.implementation.cache_tag}\0{sys.version}\0".encode())
    try:
        code = (Path(__file__), Path(patterns.__file__), Path(fragments.__file__), fragments.fragments_path())
        for path in (*code, *paths):
            data = path.read_bytes()
            digest.update(f"{path.name}\0{len(data)}\0".encode())
            digest.update(data)
    except (OSError, TypeError):  # a file not on disk (zipped) or unreadable: no cache
        return None
    return digest.hexdigest()


def _to_cache(rule: Rule) -> dict[str, Any]:
    shape = _shape(rule)
    branches = [[b, None if f is None else sorted(f)] for b, f in shape.branches]
    pregate = None if shape.pregate is None else [sorted(shape.pregate[0]), list(shape.pregate[1])]
    return {"rule": vars(rule), "required": shape.required, "branches": branches, "pregate": pregate}


def _from_cache(entry: dict[str, Any]) -> tuple[Rule, _Shape]:
    fields = entry["rule"]
    rule = Rule(
        **{
            **fields,
            "category": Category(fields["category"]),
            "scope": Scope(fields["scope"]),
            "pos": tuple(fields["pos"]),
            "neg": tuple(fields["neg"]),
        }
    )
    required = entry["required"]
    branches = tuple((str(b), None if f is None else frozenset(map(str, f))) for b, f in entry["branches"])
    found = entry["pregate"]
    pregate = None if found is None else (frozenset(map(str, found[0])), tuple(map(str, found[1])))
    return rule, _Shape(None if required is None else tuple(map(str, required)), branches, pregate)


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

    rules = load_rules(extra_files)
    return RuleSet([r for r in rules if r.category not in disabled and not rule_switched_off(r.id, disabled_rules)])
