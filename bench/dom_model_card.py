"""Write HTML mode's block model card (Markdown) from the model file and its cross-validation.

    .venv/bin/python bench/dom_model_card.py cleaner/data/dom_model.json bench/results/cv_dom.json \\
        --date 2026-11-30 > cleaner/data/DOM_MODEL_CARD.md
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cv_dom import prf  # bench/ is the script's folder: on sys.path when run as a script

from cleaner.html.blocks import STACKED_NAMES


def _splits(trees: Mapping[str, list[Any]], names: Sequence[str]) -> Counter[str]:
    return Counter(names[f] for f in trees["feature"] if f >= 0)


def card(model: Mapping[str, Any], cv: Mapping[str, Any], day: str) -> str:
    c = model["card"]
    data, trainer = c["data"], c["trainer"]
    first = _splits(model["trees"], model["features"])
    second = _splits(model["stack"], STACKED_NAMES) if model.get("stack") else Counter()
    out = [
        f"# Block model {model['version']} of HTML mode (`cleaner/data/dom_model.json`)",
        "",
        f"Trained {day} with `cleaner train-html --data {data.get('path', 'DATA')} --out cleaner/data/dom_model.json "
        "--jobs 2` (`make html-model`); the same command on the same data and library versions writes the same "
        "file byte for byte (`make html-model-check`).",
        "",
        "## What it is",
        "",
        "Gradient-boosted trees (LightGBM, evaluated with numpy at run time) that score each text block of a "
        "page (a paragraph, heading, list item, table cell: `cleaner.html.dom`) as boilerplate or main text, from "
        "the markup around it (tags, class/id/role/aria words, link density, depth, the elements that hold "
        "it), whether trafilatura's main text or its comments contain it and whether readability's main text "
        "does (a second vote), the line model's text features, "
        "the phrase rules' verdict, the page's URL words, and the same evidence of its neighbours. "
        + (
            "A second stage reads the first stage's scores of the block and of the blocks around it "
            f"(trained on cross-fitted scores, {trainer.get('inner_folds')} inner folds by domain)."
            if model.get("stack")
            else ""
        )
        + (
            f" It is trained {1 + len(model['members'])} times, with seeds {trainer.get('seeds')}, and a block's "
            "probability is the mean of the members' (`DomModel.score`)."
            if model.get("members")
            else ""
        ),
        "",
        (
            "Each page gets its own cut: the one that maximises the page's expected word F1 given the "
            "blocks' probabilities and word counts, with the doubtful blocks sharing a fate where they are "
            "mostly link text (`cleaner.html.policy.page_cut`); "
            if model.get("decision") == "expected_f1"
            else f"Blocks scored at or above {model['threshold']} are dropped; "
        )
        + f"`html_threshold` sets a fixed cut instead. Drops say `dom:{model['version']}` and the signals that "
        "weighed most; the text rules then run over the page's blocks as in text mode.",
        "",
        "## Data",
        "",
        f"- {data['pages']} pages from {data['domains']} web domains: WCXB (Web Content Extraction Benchmark) "
        "by Murrough Foley, CC-BY-4.0 (wcxb-dev).",
        f"- {data['rows']:,} labelled blocks, {data['boilerplate_rows']:,} of them boilerplate; "
        f"labels: {data['labels']}.",
        "- Each block weighs its share of its page's labelled words: every page counts the same, as in the "
        "per-page F1 the benchmark reports.",
        f"- LightGBM {trainer['lightgbm']}, {trainer['trees']} trees per stage, params "
        f"`{json.dumps(trainer['params'], sort_keys=True)}`.",
        "",
        "## Cross-validated quality (`make html-model-cv`)",
        "",
        f"Folds: {cv.get('folds')}, grouped by web domain; every page scored once by a model that never saw "
        "its site, through the whole of `clean_html`. Word precision / recall / F1, mean over pages.",
        "",
        "| type | pages | trafilatura.extract | rules on trafilatura's text | clean_html (block model) |",
        "|---|---:|---|---|---|",
    ]
    for kind, row in cv["by_type"].items():
        t, r, d = row["trafilatura"], row["rules_on_trafilatura"], row["dom"]
        out.append(f"| {kind} | {row['pages']} | {prf(t, 3)} | {prf(r, 3)} | {prf(d, 3, bold=True)} |")
    tm = cv["time"]
    out += [
        "",
        f"Time, side by side in the same workers: `trafilatura.extract` {tm['trafilatura_extract_s']} s, "
        f"`clean_html` {tm['clean_html_s']} s over {tm['pages']} pages ({tm['ratio']}x).",
        "",
        "## What it splits on most",
        "",
        ("First stage (first member): " if model.get("members") else "First stage: ")
        + ", ".join(f"`{n}` {k}" for n, k in first.most_common(12))
        + ".",
    ]
    if second:
        out.append("")
        out.append("Second stage: " + ", ".join(f"`{n}` {k}" for n, k in second.most_common(12)) + ".")
    kind = model.get("page_kind")
    if kind:
        weights = kind["card"]["weights_by_feature"]
        top = sorted(weights.items(), key=lambda kv: -abs(kv[1]))[:10]
        out += [
            "",
            "## The page-kind model and the page policy",
            "",
            f"A logistic regression (L2 {kind['card']['l2']}, standardised features) of whether the page is an "
            f"article, trained on the same {kind['card']['data']['pages']} pages ({kind['card']['data']['articles']} "
            "articles) from `cleaner.pagekind.PAGE_NAMES`; evidence a page cannot give (its address, when none is "
            "known) weighs nothing. `cleaner.html.policy.settle_page` uses it on the blocks "
            "trafilatura's main text left out: unsure ones go when trafilatura took them for comments, when "
            "they are mostly links on a page that may be an article, or when they sit apart from trafilatura's "
            "text on a page that reads as one. Largest weights: " + ", ".join(f"`{n}` {w:+.2f}" for n, w in top) + ".",
        ]
    out += [
        "",
        "## Limits",
        "",
        f"- Trained on {data['pages']:,} pages of mostly English sites; the markup words it knows are English.",
        "- What a page's main text is follows WCXB's annotators (an article's comments are not; a forum's "
        "replies are; a product page's description and specifications are).",
        "- On news pages of other years (news-dev: 2008 and 2012) it scores blocks around the article (teaser "
        "lists, blogrolls, comment threads) lower than it should; the page policy takes back part of that, and "
        "the page-kind model, which leans on `og:type`, JSON-LD and the URL, is unsure of pages that carry none.",
        "",
    ]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("model", type=Path)
    ap.add_argument("cv", type=Path)
    ap.add_argument("--date", required=True)
    args = ap.parse_args()
    model = json.loads(args.model.read_text(encoding="utf-8"))
    cv = json.loads(args.cv.read_text(encoding="utf-8"))
    print(card(model, cv, args.date))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
