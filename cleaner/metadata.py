"""What a page says about itself: its date, author and site name, for `--format json`.

Read from the page's JSON-LD (schema.org `Article`/`NewsArticle`/... objects, and `WebSite`) and
its `<meta>` tags (Open Graph, Dublin Core, parsely, sailthru, ...), in linear time. trafilatura's
`extract_metadata` finds a little more, but costs more than the whole cleaning of a page: measured
on 60 wcxb-dev pages (every 25th), 128 ms a page (its date search, htmldate) against 8 ms to parse
the page. How often each finds the gold date and author is in `bench/results/metadata.json`
(`python bench/metadata_gain.py`).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cleaner.html import URL_MAX_CHARS, link_tags, meta_tags, page_head
from cleaner.pagekind import LD_KINDS

# <meta> names and properties, best first.
DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publication_date",
    "pubdate",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.created",
    "dc.date.created",
    "sailthru.date",
    "parsely-pub-date",
    "citation_publication_date",
    "citation_date",
    "article.published",
)
# ... and when the page gives no publication date, its last change (the gold of wcxb-dev takes that too)
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "dc.date.modified", "last-modified")
AUTHOR_META = (
    "author",
    "article:author",
    "dc.creator",
    "dcterms.creator",
    "parsely-author",
    "sailthru.author",
    "citation_author",
    "byl",
)
SITE_META = ("og:site_name", "application-name")
# schema.org types whose datePublished, author and publisher are the page's own: an article's, a
# forum post's, a how-to's, and a web page's (the fallback)
ARTICLE_TYPES = LD_KINDS["article"] | LD_KINDS["tech"] | LD_KINDS["forum"] | {"recipe", "review", "webpage", "itempage"}
SITE_TYPES = frozenset({"website", "organization", "newsmediaorganization"})
JSON_LD_MAX_CHARS = 1_000_000  # a longer script is not metadata worth reading
_SCRIPT = re.compile(r"<script\b([^>]{0,500})>", re.IGNORECASE)
_SCRIPT_END = re.compile(r"</script\s*>", re.IGNORECASE)
_LD_TYPE = re.compile(r"""type\s*=\s*["']?application/ld\+json""", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})(?:$|T)")
_TIME = re.compile(r"<time\b[^>]{0,500}?\bdatetime\s*=\s*[\"']?([^\"'>\s]{1,40})", re.IGNORECASE)
_BY = re.compile(r"^by\s+", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Metadata:
    """A document's title, address and what its page says about itself; None where unknown."""

    title: str | None = None
    url: str | None = None
    date: str | None = None  # the publication date, YYYY-MM-DD
    author: str | None = None
    site_name: str | None = None


@dataclass(frozen=True, slots=True)
class _Found:
    date: str | None = None
    author: str | None = None
    site_name: str | None = None

    def over(self, other: _Found) -> _Found:
        """These values, and `other`'s where these have none."""
        return _Found(self.date or other.date, self.author or other.author, self.site_name or other.site_name)


def page_metadata(html: str | bytes, title: str | None = None, url: str | None = None) -> Metadata:
    """The page's date, author and site name: its JSON-LD first (the most deliberate), then its
    <meta> tags for what the JSON-LD does not give."""
    if not isinstance(html, str | bytes) or not html.strip():
        return Metadata(title, url)
    page = html.decode("utf-8", errors="replace") if isinstance(html, bytes) else html
    head = page_head(page)
    found = _from_json_ld(page).over(_from_meta(head, DATE_META))
    if found.date is None:  # the page's first <time datetime>, else the date it was last changed
        m = _TIME.search(page)
        date = iso_date(m.group(1)) if m else None
        found = _Found(date, found.author, found.site_name).over(_from_meta(head, MODIFIED_META))
    return Metadata(title, url or _own_url(head), found.date, found.author, found.site_name)


def _own_url(head: str) -> str | None:
    """The address the page gives itself: its canonical link, else its og:url (absolute http(s)
    only, as `cleaner.html.own_url` reads them for the block model)."""
    candidates = [attrs.get("href", "") for attrs in link_tags(head) if attrs.get("rel", "").lower() == "canonical"]
    candidates += [
        attrs.get("content", "") for attrs in meta_tags(head) if attrs.get("property", "").lower() == "og:url"
    ]
    for value in candidates:
        found = _text(value)
        if found and found.lower().startswith(("http://", "https://")) and len(found) <= URL_MAX_CHARS:
            return found
    return None


def _from_meta(head: str, dates: tuple[str, ...]) -> _Found:
    by_name: dict[str, str] = {}
    for attrs in meta_tags(head):
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        value = _text(attrs.get("content"))
        if key and value and key not in by_name:
            by_name[key] = value
    date = next((d for k in dates if (d := iso_date(by_name.get(k))) is not None), None)
    author = next((a for k in AUTHOR_META if (a := _person(by_name.get(k))) is not None), None)
    site = next((by_name[k] for k in SITE_META if k in by_name), None)
    return _Found(date, author, site)


def _from_json_ld(page: str) -> _Found:
    article, site = _Found(), _Found()
    for obj in _json_ld_objects(page):
        types = {t.lower() for t in _strings(obj.get("@type"))}
        if types & ARTICLE_TYPES:
            publisher = obj.get("publisher")
            name = _name(publisher) if isinstance(publisher, dict | list) else None
            found = _Found(iso_date(_first_str(obj.get("datePublished"))), _author(obj.get("author")), name)
            # an article type beats a WebPage: it is the more specific description
            article = found.over(article) if types - {"webpage"} else article.over(found)
        if types & SITE_TYPES and "website" in types:
            site = site.over(_Found(site_name=_name(obj)))
    return article.over(site)


def _json_ld_objects(page: str) -> Iterator[dict[str, Any]]:
    """Every JSON object in the page's `application/ld+json` scripts, @graph members included."""
    at = 0
    while (m := _SCRIPT.search(page, at)) is not None:
        end = _SCRIPT_END.search(page, m.end())
        if end is None:
            return
        at = end.end()
        if not _LD_TYPE.search(m.group(1)) or end.start() - m.end() > JSON_LD_MAX_CHARS:
            continue
        try:
            data = json.loads(page[m.end() : end.start()])
        except (ValueError, RecursionError):
            continue
        yield from _objects(data, 0)


def _objects(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 3:
        return
    if isinstance(data, list):
        for item in data:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        yield from _objects(data.get("@graph"), depth + 1)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _first_str(value: Any) -> str | None:
    found = _strings(value)
    return found[0] if found else None


def _name(value: Any) -> str | None:
    """The name of a schema.org Person or Organization (or of the first in a list)."""
    if isinstance(value, list):
        return next((n for v in value if (n := _name(v)) is not None), None)
    if isinstance(value, dict):
        return _text(_first_str(value.get("name")))
    return None


def _author(value: Any) -> str | None:
    """The author names, joined with '; ' (a plain string, a Person, or a list of them)."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        name = _person(item) if isinstance(item, str) else _name(item)
        if name is not None and name not in names:
            names.append(name)
    return "; ".join(names) or None


def _person(value: str | None) -> str | None:
    """An author as a name: a link to a profile is not one."""
    value = _text(value)
    if value is None or value.lower().startswith(("http://", "https://", "www.")):
        return None
    return _BY.sub("", value) or None


def _text(value: str | None) -> str | None:
    if not value:
        return None
    from html import unescape

    return _SPACES.sub(" ", unescape(value)).strip() or None


def iso_date(value: str | None) -> str | None:
    """A date as YYYY-MM-DD: ISO 8601 and its kin (2024/05/01, 20240501), or an RFC 2822 date;
    None for anything else (a date that does not exist included)."""
    if not value:
        return None
    value = value.strip()
    m = _ISO_DATE.match(value) or _COMPACT_DATE.match(value)
    if m is None:
        try:
            return email.utils.parsedate_to_datetime(value).date().isoformat()
        except (TypeError, ValueError, IndexError):
            return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None
