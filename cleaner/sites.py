"""Per-site templates: lines that recur across many pages of one site are that site's boilerplate.

Menus, footers and newsletter boxes repeat on every page of a site even when no phrase rule
knows their wording. Learning them is two steps, both pure:

1. `SiteCounts`: for each host, in how many documents each distinct line occurs (a line counts
   once per document), and how many documents the host has. Counts merge (`merge` is
   associative and commutative), so a corpus can be counted in parts, in any order, on any
   number of workers.
2. `learn_sites`: keep, per host, the lines found in at least `min_docs` of its documents and
   in at least `min_share` of them. The result, `SiteRules`, is written as a reviewable TOML
   file (`dumps`, `load_sites`).

Cleaning with it (`site_decisions`) is context-free, like the phrase rules: a line of the
document's host that is in the file is dropped (WEAK: the over-removal guard may give it back
if the drops would gut a page), with the rule id `site:<host>`.

Lines are compared in the pipeline's normalised form (`cleaner.segment.normalize`, the
`Block.norm` every stage reads: lower-cased, quotes/dashes/spaces folded, whitespace collapsed,
edge decoration trimmed), so matching is exact on that form, and what was counted is what is
matched.

Article text is never learned. A line the pipeline counts as prose (`Shape.PROSE`: 20+ words,
or 10+ words ending like a sentence; the same test the over-removal guard uses for "real
prose") is neither counted nor kept, however often it recurs: duplicated pages (print views,
syndication, pagination) repeat article sentences on one host, and a page's prose is exactly
what must survive. Lines longer than `MAX_CHARS` are skipped for the same reason, and so are
lines without a word: on documentation sites "}" and "};" close every code sample (measured on
wcxb-dev: the largest source of article lines a template took from trafilatura's output).

Memory: per host, one entry per distinct non-prose line: an 8-byte digest of the normalised line
(the key), its document count and one example of its original wording (the smallest, so that
merging stays order-independent). Prose lines, the bulk of any page, cost nothing. What remains
grows with the number of distinct short lines per host (headings, captions, product names), so
for a web-scale corpus group the documents by host first (a partition per host, or per group of
hosts) and count each group on its own; merging the groups' counts is then exact.
"""

from __future__ import annotations

import hashlib
import json
import math
import tomllib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cleaner.errors import ConfigError
from cleaner.segment import WORD_RE, normalize, shape_of
from cleaner.types import Action, Block, Category, Decision, Decisions, Shape, Stage, Strength

MAX_CHARS = 300  # a longer line is never a template line (same bound as whole-line phrase rules)
# Defaults chosen by bench/sites_gain.py (see the README's "Per-site templates").
MIN_DOCS = 3
MIN_SHARE = 0.5
RULE_PREFIX = "site:"
FORMAT_VERSION = 1


class SitesError(ConfigError):
    """A site-template file is invalid or unreadable; the message names the file and the problem."""


# -- hosts -------------------------------------------------------------------------------------


def host_name(name: str) -> str | None:
    """A host name as the templates key it: lower-cased, without a trailing dot or a leading
    "www."; None when nothing is left."""
    host = name.strip().lower().rstrip(".").removeprefix("www.")
    return host or None


def host_of(url: str | None) -> str | None:
    """The host of `url` (lower-cased, without a leading "www."); None for no or an invalid URL."""
    if not url or not isinstance(url, str):
        return None
    try:
        netloc = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    return host_name(netloc) if netloc else None


def host_of_folder(path: str | Path) -> str | None:
    """The host of a file in a directory-per-site layout: the name of the folder holding it
    (made absolute first, so that a bare file name still has a folder)."""
    folder = Path(path).absolute().parent.name
    return host_name(folder) if folder else None


# -- counting ----------------------------------------------------------------------------------


def _candidate(line: str) -> tuple[str, str] | None:
    """(stripped line, normalised line) when the line may be a template line, else None."""
    stripped = line.strip()
    if not stripped or len(stripped) > MAX_CHARS:
        return None
    words = len(WORD_RE.findall(stripped))
    if not words or shape_of(stripped, words) in (Shape.PROSE, Shape.BLANK):
        return None  # prose is article text; a line without words is code or a rule ("}", "---")
    norm = normalize(stripped)
    if not norm or not _writable(stripped):
        return None
    return stripped, norm


def _writable(text: str) -> bool:
    """TOML strings cannot hold surrogates (possible in JSON input): such a line is not learned."""
    return not any("\ud800" <= ch <= "\udfff" for ch in text)


def _key(norm: str) -> bytes:
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=8).digest()


@dataclass
class _Host:
    docs: int = 0
    counts: dict[bytes, int] = field(default_factory=dict)
    examples: dict[bytes, str] = field(default_factory=dict)


class SiteCounts:
    """Per host: the number of documents, and in how many of them each distinct line occurs.

    `add` counts one document; `merge` returns the counts of two parts together (neither part
    is changed), and the result does not depend on the order of documents or merges.
    """

    def __init__(self) -> None:
        self._hosts: dict[str, _Host] = {}

    def add(self, host: str, text: str) -> None:
        """Count one document of `host`: each distinct non-prose line once."""
        key = host_name(host) if host else None
        if key is None:
            return
        entry = self._hosts.setdefault(key, _Host())
        entry.docs += 1
        seen: set[bytes] = set()
        for line in text.split("\n"):
            found = _candidate(line)
            if found is None:
                continue
            stripped, norm = found
            digest = _key(norm)
            example = entry.examples.get(digest)
            if example is None or stripped < example:
                entry.examples[digest] = stripped
            if digest not in seen:
                seen.add(digest)
                entry.counts[digest] = entry.counts.get(digest, 0) + 1

    def merge(self, other: SiteCounts) -> SiteCounts:
        """The counts of both parts; neither is changed."""
        out = SiteCounts()
        for part in (self, other):
            for host, entry in part._hosts.items():
                into = out._hosts.setdefault(host, _Host())
                into.docs += entry.docs
                for digest, n in entry.counts.items():
                    into.counts[digest] = into.counts.get(digest, 0) + n
                for digest, example in entry.examples.items():
                    have = into.examples.get(digest)
                    if have is None or example < have:
                        into.examples[digest] = example
        return out

    def hosts(self) -> list[str]:
        return sorted(self._hosts)

    def docs(self, host: str) -> int:
        """How many documents of `host` were counted."""
        entry = self._hosts.get(host)
        return entry.docs if entry else 0

    def lines(self, host: str) -> Iterator[tuple[str, str, int]]:
        """(normalised line, example wording, documents) for every counted line of `host`."""
        entry = self._hosts.get(host)
        if entry is None:
            return
        for digest, n in entry.counts.items():
            example = entry.examples[digest]
            yield normalize(example), example, n

    def as_dict(self) -> dict[str, dict[str, Any]]:
        """A plain, order-free view (host -> docs and {normalised line: documents}), for tests and logs."""
        return {
            host: {"docs": self.docs(host), "lines": {norm: n for norm, _, n in self.lines(host)}}
            for host in self.hosts()
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SiteCounts):
            return NotImplemented
        return self.as_dict() == other.as_dict()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return f"SiteCounts({len(self._hosts)} hosts, {sum(e.docs for e in self._hosts.values())} documents)"


def count_sites(docs: Iterable[tuple[str | None, str]]) -> SiteCounts:
    """Counts of (host, text) pairs; documents without a host are left out."""
    counts = SiteCounts()
    for host, text in docs:
        if host:
            counts.add(host, text)
    return counts


# -- the rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteLine:
    """One template line of a host: its normalised text and on how many pages it was seen."""

    text: str
    docs: int


@dataclass(frozen=True)
class HostTemplate:
    host: str
    docs: int  # the host's documents when it was learned
    lines: tuple[SiteLine, ...]  # sorted by text


@dataclass(frozen=True)
class SiteRules:
    """Learned site templates: per host, the normalised lines to drop. Immutable and hashable."""

    hosts: tuple[HostTemplate, ...] = ()
    min_docs: int = MIN_DOCS
    min_share: float = MIN_SHARE
    _index: dict[str, tuple[HostTemplate, dict[str, SiteLine]]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        hosts = tuple(sorted(self.hosts, key=lambda h: h.host))
        object.__setattr__(self, "hosts", hosts)
        object.__setattr__(self, "_index", {h.host: (h, {line.text: line for line in h.lines}) for h in hosts})

    def template(self, host: str | None) -> HostTemplate | None:
        found = self._index.get(host) if host else None
        return found[0] if found else None

    def line(self, host: str, norm: str) -> SiteLine | None:
        """The template line of `host` whose normalised text is `norm`, if any."""
        found = self._index.get(host)
        return found[1].get(norm) if found else None

    def __len__(self) -> int:
        return sum(len(h.lines) for h in self.hosts)

    def digest(self) -> str:
        """A hash of the file form: what a run's settings hash records for these rules."""
        return hashlib.sha256(self.dumps().encode("utf-8")).hexdigest()[:16]

    def __str__(self) -> str:
        return f"SiteRules({len(self.hosts)} hosts, {len(self)} lines, sha256 {self.digest()})"

    def dumps(self) -> str:
        """The rules as a TOML file: a header, the settings, then one table per host (sorted)."""
        out = [
            "# Site templates for `cleaner clean --sites`, written by `cleaner learn-sites`.",
            "# A line listed under a host is removed from that host's pages (rule id site:<host>).",
            "# Lines are in normalised form (lower case, whitespace collapsed, edge punctuation trimmed);",
            "# matching is exact on that form. `docs`: on how many of the host's pages it was seen.",
            f"# Kept: lines on at least {self.min_docs} pages and at least {self.min_share:.0%} of a host's",
            "# pages, never prose-shaped lines. Delete a line (or a host) to keep it.",
            "",
            f"version = {FORMAT_VERSION}",
            f"min_docs = {self.min_docs}",
            f"min_share = {_toml_float(self.min_share)}",
        ]
        for h in self.hosts:
            out += ["", f"[sites.{_toml_str(h.host)}]", f"docs = {h.docs}", "lines = ["]
            out += [f"  {{ text = {_toml_str(line.text)}, docs = {line.docs} }}," for line in _listed(h.lines)]
            out.append("]")
        return "\n".join(out) + "\n"


def _listed(lines: Iterable[SiteLine]) -> list[SiteLine]:
    """File order: most frequent first, then alphabetical (so a reviewer sees the menu first)."""
    return sorted(lines, key=lambda line: (-line.docs, line.text))


def _toml_str(text: str) -> str:
    """A TOML basic string (JSON's escapes are a subset of TOML's; DEL must be escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_float(value: float) -> str:
    return repr(float(value))


def learn_sites(counts: SiteCounts, *, min_docs: int = MIN_DOCS, min_share: float = MIN_SHARE) -> SiteRules:
    """The template lines of each host: on at least `min_docs` of its documents and at least
    `min_share` of them. Prose-shaped lines were never counted, so they are never kept."""
    if min_docs < 1:
        raise ValueError(f"min_docs must be at least 1, got {min_docs}")
    if not 0.0 < min_share <= 1.0:
        raise ValueError(f"min_share must be within (0, 1], got {min_share}")
    hosts = []
    for host in counts.hosts():
        total = counts.docs(host)
        if total < min_docs:
            continue
        need = max(min_docs, math.ceil(min_share * total - 1e-9))
        kept: dict[str, SiteLine] = {}
        for norm, _, n in counts.lines(host):
            if n >= need and (norm not in kept or kept[norm].docs < n):
                kept[norm] = SiteLine(norm, n)
        if kept:
            hosts.append(HostTemplate(host, total, tuple(sorted(kept.values(), key=lambda s: s.text))))
    return SiteRules(tuple(hosts), min_docs=min_docs, min_share=min_share)


# -- reading the file --------------------------------------------------------------------------


def load_sites(path: str | Path) -> SiteRules:
    """Read a file written by `SiteRules.dumps` (or edited by hand); SitesError names the problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SitesError(f"{path}: cannot read site templates: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SitesError(f"{path}: not UTF-8 text") from None
    return loads_sites(text, str(path))


def loads_sites(text: str, name: str = "<sites>") -> SiteRules:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SitesError(f"{name}: invalid TOML: {exc}") from None
    except RecursionError:
        raise SitesError(f"{name}: invalid TOML: nested too deeply") from None
    version = data.get("version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise SitesError(f"{name}: unknown format version {version!r} (this cleaner reads {FORMAT_VERSION})")
    unknown = sorted(set(data) - {"version", "min_docs", "min_share", "sites"})
    if unknown:
        raise SitesError(f"{name}: unknown key(s) {', '.join(unknown)}; expected version, min_docs, min_share, sites")
    min_docs = _int(data.get("min_docs", MIN_DOCS), f"{name}: min_docs")
    share = data.get("min_share", MIN_SHARE)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 < share <= 1:
        raise SitesError(f"{name}: min_share must be a number within (0, 1], got {share!r}")
    sites = data.get("sites", {})
    if not isinstance(sites, dict):
        raise SitesError(f"{name}: 'sites' must be a table of hosts")
    hosts = [_host(name, key, value) for key, value in sites.items()]
    seen: dict[str, str] = {}
    for key, h in zip(sites, hosts, strict=True):
        if h.host in seen:
            raise SitesError(f"{name}: sites.{_toml_str(key)} and sites.{_toml_str(seen[h.host])} are the same host")
        seen[h.host] = key
    return SiteRules(tuple(hosts), min_docs=min_docs, min_share=float(share))


def _int(value: object, where: str, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise SitesError(f"{where} must be a whole number of at least {low}, got {value!r}")
    return value


def _host(name: str, key: str, value: object) -> HostTemplate:
    where = f"{name}: sites.{_toml_str(key)}"
    host = host_name(key)
    if host is None:
        raise SitesError(f"{where}: empty host name")
    if not isinstance(value, dict):
        raise SitesError(f"{where} must be a table with docs and lines")
    unknown = sorted(set(value) - {"docs", "lines"})
    if unknown:
        raise SitesError(f"{where}: unknown key(s) {', '.join(unknown)}; expected docs, lines")
    docs = _int(value.get("docs"), f"{where}.docs")
    lines = value.get("lines", [])
    if not isinstance(lines, list):
        raise SitesError(f"{where}.lines must be an array of {{ text = ..., docs = ... }}")
    kept: dict[str, SiteLine] = {}
    for i, item in enumerate(lines):
        at = f"{where}.lines[{i}]"
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise SitesError(f'{at} must be {{ text = "...", docs = N }}')
        unknown = sorted(set(item) - {"text", "docs"})
        if unknown:
            raise SitesError(f"{at}: unknown key(s) {', '.join(unknown)}; expected text, docs")
        norm = normalize(item["text"])
        if not norm:
            raise SitesError(f"{at}: the line {item['text']!r} is empty once normalised")
        n = _int(item.get("docs", docs), f"{at}.docs")
        if n > docs:
            raise SitesError(f"{at}.docs is {n}, more than the host's {docs} documents")
        kept[norm] = SiteLine(norm, max(n, kept[norm].docs) if norm in kept else n)
    return HostTemplate(host, docs, tuple(sorted(kept.values(), key=lambda s: s.text)))


# -- cleaning ----------------------------------------------------------------------------------


def site_reason(line: SiteLine, template: HostTemplate) -> str:
    return f"appears on {line.docs} of {template.docs} pages of {template.host} (site template)"


def site_decisions(blocks: Sequence[Block], rules: SiteRules, host: str | None) -> Decisions:
    """Drops for the lines of `host`'s template found in `blocks` (context-free: the line alone
    decides). WEAK, so the over-removal guard can restore them on a page they would gut."""
    template = rules.template(host_name(host) if host else None)
    if template is None:
        return {}
    rule = RULE_PREFIX + template.host
    out: Decisions = {}
    for block in blocks:
        if block.blank or not block.norm:
            continue
        line = rules.line(template.host, block.norm)
        if line is not None:
            out[block.index] = Decision(
                action=Action.DROP,
                stage=Stage.ANNOTATE,
                rule=rule,
                reason=site_reason(line, template),
                category=Category.NAVIGATION,
                strength=Strength.WEAK,
            )
    return out


def rules_of(value: object) -> SiteRules:
    """`CleanerConfig.sites` as given: rules, or the path of a rules file."""
    if isinstance(value, SiteRules):
        return value
    if isinstance(value, str | Path):
        return load_sites(value)
    raise ConfigError(f"sites must be site rules or the path of a sites file, got {type(value).__name__}")
