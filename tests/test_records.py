"""clean_records: the streaming records API, and the CLI's JSONL mode that shares its record step."""

from __future__ import annotations

import doctest
import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

import cleaner
from cleaner import io as cio
from cleaner import records as crec
from cleaner.records import RecordCleaner, RecordError, clean_records
from tests.conftest import ROOT
from tests.samples import P1, P2, P3

DOC = f"Skip to content\n\n{P1}\n\nGet the newsletter\n\n{P2}\n\n{P3}\n\nShare this article\n"
CLEAN = f"{P1}\n\n{P2}\n\n{P3}\n"
HEADLINE = "Tiny frogs of Borneo sing at night"
# The headline is not the first line, so only a given title makes its repeat a duplicate.
CAPTIONED = f"By Jane Smith and Tom Lee\n\n{P1}\n\n{HEADLINE}\n\n{P2}\n\n{HEADLINE}\n"
PAGE = (
    f"<html><head><title>{HEADLINE}</title></head><body><article>"
    f"<p>{P1}</p><p>Get the newsletter</p><p>{P2}</p><p>{P3}</p><p>Share this article</p>"
    "</article></body></html>"
)


def test_is_lazy_over_an_infinite_iterator() -> None:
    pulled = 0

    def endless() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        for n in itertools.count():
            pulled += 1
            yield {"id": n, "text": DOC}

    stream = clean_records(endless())
    assert pulled == 0  # nothing is read before the first record is asked for
    first = next(stream)
    assert first == {"id": 0, "text": CLEAN}
    assert pulled == 1
    assert next(stream)["id"] == 1 and pulled == 2


def test_other_fields_untouched_and_input_not_mutated() -> None:
    meta = {"lang": "en", "tags": ["science"]}
    record = {"id": 7, "text": DOC, "meta": meta, "score": 0.5, "flag": None}
    before = json.loads(json.dumps(record))
    (out,) = clean_records([record])
    assert out is not record
    assert record == before  # the input mapping is unchanged
    assert out == {**before, "text": CLEAN}
    assert out["meta"] is meta  # a shallow copy: untouched values are the same objects
    assert list(out) == list(record)  # and the field order is kept


def test_html_field_supplies_the_text_when_the_record_has_none() -> None:
    records = [
        {"id": 1, "html": PAGE, "url": "https://example.org/frogs"},
        {"id": 2, "html": PAGE.encode("utf-8")},
        {"id": 3, "html": PAGE, "text": DOC},  # text present: the page is not used
    ]
    out = list(clean_records(records, html_field="html"))
    expected = cleaner.clean_html(PAGE).text
    assert expected.startswith(P1) and "Get the newsletter" not in expected
    assert out[0] == {**records[0], "text": expected}
    assert out[1]["text"] == expected and out[1]["html"] == records[1]["html"]
    assert out[2]["text"] == CLEAN


def test_title_and_url_feed_the_duplicate_headline_rule() -> None:
    without, with_title, title_ignored = clean_records(
        [{"text": CAPTIONED}, {"text": CAPTIONED, "title": HEADLINE}, {"text": CAPTIONED, "headline": HEADLINE}],
        keep_removals=True,
    )
    assert without["removals"] == []
    assert [(r["lines"], r["category"]) for r in with_title["removals"]] == [([9, 9], "duplicate-headline")]
    assert with_title["text"].count(HEADLINE) == 1
    assert title_ignored["removals"] == []
    (renamed,) = clean_records([{"text": CAPTIONED, "headline": HEADLINE}], title_field="headline")
    assert renamed["text"] == with_title["text"]


def test_title_and_url_are_passed_to_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, object]] = []

    def spy(text: str, config: object = None, **kwargs: object) -> cleaner.CleanResult:
        seen.append(kwargs)
        return cleaner.clean(text)

    monkeypatch.setattr(crec, "clean", spy)
    record = {"text": DOC, "title": "Frogs", "url": "https://example.org/frogs", "link": "https://x.test/"}
    list(clean_records([record, {"text": DOC, "title": 5}]))
    list(clean_records([record], url_field="link", title_field=None))
    assert seen == [
        {"title": "Frogs", "url": "https://example.org/frogs"},
        {"title": None, "url": None},  # a title that is not a string is not a title
        {"title": None, "url": "https://x.test/"},
    ]


def test_keep_removals() -> None:
    expected = [r.to_dict() for r in cleaner.clean(DOC).removed]
    assert [r["category"] for r in expected] == ["navigation", "newsletter", "promo"]
    (default,) = clean_records([{"text": DOC}], keep_removals=True)
    assert default == {"text": CLEAN, "removals": expected}
    (named,) = clean_records([{"text": DOC}], keep_removals="cleaner")
    assert named == {"text": CLEAN, "cleaner": expected}
    (off,) = clean_records([{"text": DOC}])
    assert off == {"text": CLEAN}
    json.dumps(default)  # plain JSON values


def test_records_without_text_pass_through_unchanged() -> None:
    records: list[dict[str, Any]] = [{"id": 1}, {"id": 2, "text": None}, {"id": 3, "text": ["a"]}, {"text": 4}]
    out = list(clean_records(records, keep_removals=True))
    assert out == records  # no text cleaned and no removals field added
    assert all(a is not b for a, b in zip(out, records, strict=True))
    # a page that is not text is not a page
    assert list(clean_records([{"html": 5}], html_field="html")) == [{"html": 5}]


def test_strict_names_the_record() -> None:
    records = [{"text": DOC}, {"text": P1}, {"body": DOC}]
    stream = clean_records(records, strict=True)
    assert next(stream)["text"] == CLEAN
    next(stream)
    with pytest.raises(RecordError, match=r"^record 2: no 'text' field$"):
        next(stream)
    with pytest.raises(RecordError, match=r"record 0: field 'text' is int, not a string"):
        list(clean_records([{"text": 3}], strict=True))
    with pytest.raises(RecordError, match=r"record 0: no 'text' field and no 'html' field"):
        list(clean_records([{}], html_field="html", strict=True))
    with pytest.raises(TypeError, match=r"record 1 is str, not a mapping"):
        list(clean_records([{"text": P1}, "text"]))  # type: ignore[list-item]


def test_arguments_are_checked_before_reading() -> None:
    def never() -> Iterator[dict[str, Any]]:
        raise AssertionError("read")
        yield {}

    with pytest.raises(ValueError, match="removals_field"):
        clean_records(never(), keep_removals="text")
    with pytest.raises(ValueError, match="keep_removals"):
        clean_records(never(), keep_removals="")
    with pytest.raises(ValueError, match="html_field"):
        clean_records(never(), field="body", html_field="body")


def test_config_and_custom_field() -> None:
    config = cleaner.CleanerConfig(disabled=frozenset({cleaner.Category.PROMO}))
    (out,) = clean_records([{"body": DOC}], field="body", config=config)
    assert out["body"] == f"{P1}\n\n{P2}\n\n{P3}\n\nShare this article\n"


def test_exported_from_the_package() -> None:
    assert cleaner.clean_records is clean_records
    assert "clean_records" in cleaner.__all__ and cleaner.RecordError is RecordError


def test_record_cleaner_one_record() -> None:
    rc = RecordCleaner(removals_field="removed")
    record = {"text": DOC, "id": 1}
    out, result = rc.clean_record(record)
    assert result is not None and result.by_category() == {"navigation": 1, "newsletter": 1, "promo": 1}
    assert out == {"text": CLEAN, "id": 1, "removed": [r.to_dict() for r in result.removed]}
    assert rc.clean_record({"id": 2}) == ({"id": 2}, None)
    assert rc.problem({"id": 2}) == "no 'text' field" and rc.problem(record) is None


# -- the CLI's JSONL mode goes through the same record step ------------------------------------


def test_jsonl_mode_matches_clean_records() -> None:
    records: list[dict[str, Any]] = [
        {"id": 1, "text": DOC, "lang": "en"},
        {"id": 2, "text": CAPTIONED, "title": HEADLINE, "url": "https://example.org/frogs"},
        {"id": 3, "page": PAGE, "url": "https://example.org/page"},
    ]
    data = "".join(json.dumps(r) + "\n" for r in records).encode()
    options = cio.Options(config=cleaner.CleanerConfig(), removals_field="removed", html_field="page")
    res = cio.process_stream(data, cio.Kind.JSONL, options)
    assert res.ok, res.errors
    assert res.output is not None
    via_cli = [json.loads(line) for line in res.output.decode().splitlines()]
    via_library = list(clean_records(records, html_field="page", keep_removals="removed"))
    assert via_cli == via_library
    assert res.records == 3
    assert res.removals == sum(len(r["removed"]) for r in via_library)


def test_jsonl_mode_still_reports_records_without_text() -> None:
    data = b'{"text": 5}\n{"id": 2}\n' + json.dumps({"text": DOC}).encode() + b"\n"
    res = cio.process_stream(data, cio.Kind.JSONL, cio.Options(config=cleaner.CleanerConfig()))
    assert res.errors == [
        "<stdin>: line 1: field 'text' is a number, not a string",
        "<stdin>: line 2: no 'text' field",
    ]
    assert res.output is not None
    lines = res.output.decode().splitlines()
    assert lines[:2] == ['{"text": 5}', '{"id": 2}']  # copied through, line N is line N
    assert json.loads(lines[2]) == {"text": CLEAN}


# -- packaging and docs -------------------------------------------------------------------------


def test_core_package_does_not_import_the_frameworks() -> None:
    code = (
        "import sys, cleaner, cleaner.records, cleaner.io, cleaner.cli, cleaner.contrib\n"
        "cleaner.clean_records([{'text': 'x'}])\n"
        "print(sorted(m for m in ('scrapy', 'itemadapter', 'twisted', 'datatrove') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_integration_docs_examples_run() -> None:
    result = doctest.testfile(
        str(ROOT / "docs" / "integrations.md"), module_relative=False, optionflags=doctest.ELLIPSIS
    )
    assert result.attempted >= 3
    assert result.failed == 0
