"""What a page says about itself (`cleaner.metadata`): date, author, site name and its own url."""

from __future__ import annotations

import json

import pytest

from cleaner.metadata import Metadata, iso_date, page_metadata


def _page(head: str, body: str = "<p>Text</p>") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"


def _ld(data: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-14T09:00:00+08:00", "2025-03-14"),
        ("2025-03-14", "2025-03-14"),
        ("2025/3/4", "2025-03-04"),
        ("20250314", "2025-03-14"),
        ("Fri, 14 Mar 2025 09:00:00 GMT", "2025-03-14"),
        ("2025-02-30", None),  # no such day
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_dates_are_read_as_iso_dates(value: str | None, expected: str | None) -> None:
    assert iso_date(value) == expected


def test_json_ld_article_in_a_graph_gives_date_authors_and_site() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Field Notes"},
            {
                "@type": "NewsArticle",
                "datePublished": "2025-03-14T09:00:00+08:00",
                "author": [{"@type": "Person", "name": "Ana Lim"}, {"@type": "Person", "name": "Joe Tan"}],
            },
        ],
    }
    meta = page_metadata(_page(_ld(graph)), title="Frogs", url="https://example.org/a")
    assert meta == Metadata("Frogs", "https://example.org/a", "2025-03-14", "Ana Lim; Joe Tan", "Field Notes")


def test_an_article_beats_the_webpage_and_the_meta_tags() -> None:
    head = (
        '<meta property="article:published_time" content="2020-01-01">'
        '<meta name="author" content="Meta Name"><meta property="og:site_name" content="Meta Site">'
        + _ld({"@type": "WebPage", "datePublished": "2021-01-01", "author": "Page Author"})
        + _ld({"@type": ["Article"], "datePublished": "2022-02-02", "author": {"name": "Article Author"}})
    )
    meta = page_metadata(_page(head))
    assert (meta.date, meta.author, meta.site_name) == ("2022-02-02", "Article Author", "Meta Site")


def test_meta_tags_when_there_is_no_json_ld() -> None:
    head = (
        '<meta name="author" content="https://example.org/staff/ana">'  # a link is not a name
        '<meta name="byl" content="By Ana Lim">'
        '<meta name="dc.date" content="2019-07-01">'
        '<meta name="application-name" content="Example App">'
        '<link rel="canonical" href="https://example.org/frogs">'
    )
    meta = page_metadata(_page(head))
    assert meta == Metadata(None, "https://example.org/frogs", "2019-07-01", "Ana Lim", "Example App")


def test_a_time_element_then_the_modified_date_when_nothing_says_published() -> None:
    modified = '<meta property="article:modified_time" content="2024-06-01T00:00:00Z">'
    assert page_metadata(_page(modified)).date == "2024-06-01"
    body = '<p>Posted <time datetime="2023-05-02T10:00">May 2</time></p>'
    assert page_metadata(_page(modified, body)).date == "2023-05-02"


def test_broken_or_absent_metadata_is_none() -> None:
    head = '<script type="application/ld+json">{"@type": "Article", "datePublished": </script>'
    head += '<meta name="date" content="soon">'
    assert page_metadata(_page(head)) == Metadata()
    assert page_metadata("") == Metadata()
    assert page_metadata(b"\xff\xfe not html", title="T") == Metadata("T")


def test_an_unclosed_script_and_a_huge_page_are_read_in_linear_time() -> None:
    page = _page("<script type='application/ld+json'>" + "{" * 200_000) + "<script>" * 100_000
    assert page_metadata(page) == Metadata()
