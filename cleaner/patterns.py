"""Analysis of regular expressions, done once per rule set (`cleaner.rules` compiles with it).

What every match of a pattern must contain (`required_literals`, the literal gates), what it can
start with (`first_chars`, the anchored buckets), one trie-shaped pattern for many literals
(`trie_pattern`) and a search for many literals at once (`LiteralSearch`), what a line must hold
for a pattern to be searched in it (`pregate`), and the shapes that make a pattern slow or unsafe
(`nullable`, `nested_repeat`, `opcodes`), read from the stdlib's own regex parser. And
`compile_cached`, `re.compile` for the rule
set's big merged expressions with the compiler's output kept in the user's cache.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from importlib import import_module
from typing import Any, Generic, TypeVar

from cleaner import usercache

# The stdlib's own regex parser (re._parser, stable since 3.11; typeshed has no stubs for it).
sre_parser: Any = import_module("re._parser")
sre_constants: Any = import_module("re._constants")
sre_compiler: Any = import_module("re._compiler")
sre: Any = import_module("_sre")


T = TypeVar("T")

# The Pythons whose private compiler steps `compile_cached` repeats; any other compiles the ordinary way.
KNOWN_COMPILERS = ((3, 11), (3, 12), (3, 13))


def compile_cached(pattern: str) -> re.Pattern[str]:
    """`re.compile(pattern)`, with the compiler's output (the regex engine's code) kept in the
    user's cache under a hash of the pattern and the Python: the rule set's merged alternations
    (~100 kB of pattern text) take ~30 ms each to parse and compile in Python, ~2 ms to load.

    The same steps as `re._compiler.compile` (3.11-3.13): parse, generate the code, hand it to
    `_sre.compile`, which checks it. Anything unexpected in a cache entry is a miss.
    """
    digest = hashlib.sha256(f"{sys.version}\0{sre.MAGIC}\0{pattern}".encode()).hexdigest()
    name = f"re-{sys.implementation.cache_tag}/{digest[:32]}.json"
    cached = usercache.read(name, digest)
    if isinstance(cached, list) and len(cached) == 3:
        flags, groups, code = cached
        try:
            return _from_code(pattern, flags, groups, code)
        except (TypeError, ValueError, RuntimeError, OverflowError):
            pass  # not what this code writes: compiled and written again below
    if sys.version_info[:2] not in KNOWN_COMPILERS:
        return re.compile(pattern)
    try:
        parsed = sre_parser.parse(pattern, 0)
        if parsed.state.groupdict:  # named groups: not worth keeping, compiled the ordinary way
            return re.compile(pattern)
        flags, groups, code = parsed.state.flags, parsed.state.groups, sre_compiler._code(parsed, 0)
        compiled = _from_code(pattern, flags, groups, code)
    except re.error:
        raise
    except Exception:  # the private compiler steps changed: the ordinary way, uncached
        return re.compile(pattern)
    usercache.write(name, digest, [flags, groups, code])
    return compiled


def _from_code(pattern: str, flags: int, groups: int, code: list[int]) -> re.Pattern[str]:
    if not (isinstance(flags, int) and isinstance(groups, int) and groups >= 1 and isinstance(code, list)):
        raise TypeError("not a compiled pattern")
    compiled: re.Pattern[str] = sre.compile(pattern, flags, code, groups - 1, {}, (None,) * groups)
    return compiled


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


# A literal that is one function word (`cleaner.topic.stopwords`: " the", "your ", " et ") lets most
# lines of prose through its gate (" the" was one English rule's, and took a fifth of the gate's hits
# on trafilatura's text): of two literal sets a sequence requires, one without such a word wins a tie.
def _common(literal: str) -> bool:
    from cleaner.topic import stopwords  # the same lists the line model's features read

    return literal.strip().lower() in stopwords()


def _selectivity(literals: set[str]) -> tuple[bool, bool, int, int]:
    return (
        all(selective(lit) for lit in literals),
        not any(map(_common, literals)),
        min(map(len, literals)),
        -len(literals),
    )


def top_level_branches(pattern: str) -> list[str]:
    """The pattern split at its top-level '|' (outside groups, classes and escapes)."""
    parts: list[str] = []
    depth, escaped, start = 0, False, 0
    class_from = -1  # index of the first character inside an open [...] class, or -1
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif class_from >= 0:
            if ch == "^" and i == class_from:
                class_from += 1
            elif ch == "]" and i > class_from:  # a ']' first in the class is literal
                class_from = -1
        elif ch == "[":
            class_from = i + 1
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of `pattern` can start with, or None if any (or unknown)."""
    try:
        found, nullable = _first(list(sre_parser.parse(pattern)))
    except (re.error, RecursionError):
        return None
    return None if found is None or nullable else frozenset(found)


def _first(items: list[Any]) -> tuple[set[str] | None, bool]:
    """(possible first characters, whether the sequence can match the empty string)."""
    c = sre_constants
    out: set[str] = set()
    found: set[str] | None
    for op, arg in items:
        if op is c.AT:
            continue  # anchors and word boundaries are zero-width
        if op is c.LITERAL:
            found, nullable = {chr(arg)}, False
        elif op is c.IN:
            found, nullable = _first_of_class(arg), False
        elif op is c.SUBPATTERN:
            found, nullable = _first(list(arg[-1]))
        elif op is c.BRANCH:
            parts = [_first(list(b)) for b in arg[1]]
            if any(f is None for f, _ in parts):
                return None, False
            found = set().union(*(f for f, _ in parts if f is not None))
            nullable = any(n for _, n in parts)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            found, nullable = _first(list(arg[2]))
            nullable = nullable or arg[0] == 0
        else:
            return None, False
        if found is None:
            return None, False
        out |= found
        if not nullable:
            return out, False
    return out, True


def _first_of_class(items: Any) -> set[str] | None:
    c = sre_constants
    out: set[str] = set()
    for op, arg in items:
        if op is c.LITERAL:
            out.add(chr(arg))
        elif op is c.RANGE and arg[1] - arg[0] < 128:
            out.update(chr(x) for x in range(arg[0], arg[1] + 1))
        else:
            return None  # negated classes, \w, \d, wide ranges: anything
    return out


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


_REPEATS = (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT)


def nullable(item: Any) -> bool:
    """Whether a parsed element can match the empty string."""
    op, arg = item
    if op in _REPEATS or op == sre_constants.POSSESSIVE_REPEAT:
        return bool(arg[0] == 0 or all(nullable(i) for i in arg[2]))
    if op == sre_constants.SUBPATTERN:
        return all(nullable(i) for i in arg[3])
    if op == sre_constants.ATOMIC_GROUP:
        return all(nullable(i) for i in arg)
    if op == sre_constants.BRANCH:
        return any(all(nullable(i) for i in b) for b in arg[1])
    return op in (sre_constants.AT, sre_constants.ASSERT, sre_constants.ASSERT_NOT)


def unbounded(item: Any) -> bool:
    """A greedy or lazy repeat without an upper bound (a group holding just one counts)."""
    op, arg = item
    if op in _REPEATS:
        return bool(arg[1] == sre_constants.MAXREPEAT)
    if op == sre_constants.SUBPATTERN:
        solid = [i for i in arg[3] if not nullable(i)]
        return len(solid) == 1 and unbounded(solid[0])
    return False


def nested_repeat(items: Any) -> bool:
    """An unbounded repeat whose body is, but for parts that may match nothing, one unbounded
    repeat ((a+)+, (?:\\w+\\s?)*): the ways to split a run between the two grow exponentially
    when the rest fails. Possessive repeats and atomic groups are safe and pass; overlapping
    neighbours such as (x+x+)+ are not caught."""
    for op, arg in items:
        if op in _REPEATS and arg[1] == sre_constants.MAXREPEAT:
            solid = [i for i in arg[2] if not nullable(i)]
            if not solid or (len(solid) == 1 and unbounded(solid[0])):
                return True
        inner: list[Any] = (
            [arg[2]]
            if op in _REPEATS
            else [arg[3]]
            if op == sre_constants.SUBPATTERN
            else list(arg[1])
            if op == sre_constants.BRANCH
            else [arg[1]]
            if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT)
            else []
        )
        if any(nested_repeat(part) for part in inner):
            return True
    return False


def opcodes(items: Any) -> Iterator[Any]:
    """Every opcode of a parsed pattern, nested ones included."""
    for op, arg in items:
        yield op
        for part in arg if isinstance(arg, tuple | list) else (arg,):
            for sub in part if isinstance(part, list) else (part,):
                if isinstance(sub, sre_parser.SubPattern):
                    yield from opcodes(sub)


def pregate(pattern: str) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """What a line must hold for `pattern` to be found in it (`search`): (first characters,
    literals), the line starting with one of the first or holding one of the literals. Each
    top-level branch anchored at the start (^) gives the characters it can start with; each other
    branch the literals one of which its every match holds, however common ("iva"). None when some
    branch gives neither. For the `short` rules left ungated (no selective literals): searching the
    Italian publisher rule's branches over a 400-character line took ~26 µs, this test a fraction."""
    firsts: set[str] = set()
    literals: set[str] = set()
    for branch in top_level_branches(pattern):
        if branch.startswith("^"):
            found = first_chars(branch)
            if found is None:
                return None
            firsts |= found
        else:
            required = required_literals(branch)
            if not required:
                return None
            literals |= required
    return frozenset(firsts), tuple(sorted(literals))


class LiteralSearch(Generic[T]):
    """Which of many literals a text holds, as the tuples of values standing for each literal found.

    Natively with an Aho-Corasick automaton (pyahocorasick, `native`): one pass over the text for
    all the literals at once, every occurrence. Else in pure Python with one trie-shaped regex
    (`trie_pattern`): its first hit, then from there, at every position, the longest literal
    starting there, which stands for itself and each literal that is a prefix of it. Both give the
    same values (`tests/test_rules.py`). Built on first use: `import cleaner` compiles nothing.
    """

    def __init__(self, values: dict[str, tuple[T, ...]], native: bool) -> None:
        self._values = values
        self._native = native
        self._find: Callable[[str], Iterable[tuple[T, ...]]] | None = None

    def find(self, text: str) -> Iterable[tuple[T, ...]]:
        if self._find is None:
            self._find = self._build()
        return self._find(text)

    def _build(self) -> Callable[[str], Iterable[tuple[T, ...]]]:
        values = self._values
        if not values:
            return lambda text: ()
        module = ahocorasick() if self._native else None
        if module is not None:
            automaton = module.Automaton()
            for lit in values:
                automaton.add_word(lit, lit)
            automaton.make_automaton()
            scan = automaton.iter

            def native(text: str) -> Iterable[tuple[T, ...]]:
                return [values[lit] for lit in {lit for _, lit in scan(text)}]

            return native
        trie = trie_pattern(values)
        gate = compile_cached(trie)
        find = compile_cached(f"(?=({trie}))")  # at every position, the longest literal starting there
        of = {lit: tuple(v for i in range(1, len(lit) + 1) for v in values.get(lit[:i], ())) for lit in values}

        def regex(text: str) -> Iterable[tuple[T, ...]]:
            hit = gate.search(text)
            if hit is None:
                return ()
            # No literal starts before the first hit (the gate finds the leftmost one).
            return [of[lit] for lit in {m.group(1) for m in find.finditer(text, hit.start())}]

        return regex


@lru_cache(maxsize=1)
def ahocorasick() -> Any:
    """The pyahocorasick module, or None where it is not installed."""
    try:
        import ahocorasick
    except ImportError:
        return None
    return ahocorasick
