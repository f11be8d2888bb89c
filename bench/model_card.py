"""Write the line model's card (Markdown) from the model file and the cross-validation table.

    .venv/bin/python bench/model_card.py cleaner/data/line_model.json bench/results/cv_model.json \\
        --date 2026-11-30 > cleaner/data/MODEL_CARD.md

What the model looks at is read from the file itself: the features the trees split on most often,
and the learned vocabulary's most boilerplate-like and most article-like words.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any


def _splits(trees: Mapping[str, list[Any]], names: Sequence[str]) -> Counter[str]:
    return Counter(names[f] for f in trees["feature"] if f >= 0)


def card(model: Mapping[str, Any], cv: Mapping[str, Any], day: str, remark: str = "") -> str:
    c = model["card"]
    data, trainer = c["data"], c["trainer"]
    vocab: dict[str, float] = model["vocabulary"]
    by_value = sorted(vocab.items(), key=lambda kv: (kv[1], kv[0]))
    forests = [model["trees"], *(m["trees"] for m in model.get("members", []))]
    splits: Counter[str] = Counter()
    for forest in forests:
        splits += _splits(forest, model["features"])
    kind_splits = _splits(model["kind_trees"], model["kind_features"])
    n_trees = len(model["trees"]["roots"])
    n_nodes = sum(len(forest["feature"]) for forest in forests)
    seeds = trainer.get("seeds", [trainer["params"]["seed"]])
    kind_members = (
        f" in each of the {len(forests)} members, their probabilities averaged"
        if any("kind_trees" in m for m in model.get("members", []))
        else ""
    )
    shape = (
        f"{n_trees} trees"
        if len(forests) == 1
        else f"{len(forests)} members of {n_trees} trees (seeds {', '.join(map(str, seeds))}, their probabilities "
        "and contributions averaged)"
    )
    out = [
        f"# Line model {model['version']} (`cleaner/data/line_model.json`)",
        "",
        f"Trained {day} with `cleaner train --data {data['path']} --out cleaner/data/line_model.json`; "
        "the same command on the same data and library versions writes the same file byte for byte.",
        "",
        "## What it is",
        "",
        f"A gradient-boosted tree ensemble (LightGBM {trainer['lightgbm']}, {shape}, "
        f"{n_nodes} nodes in all) that gives each line the probability that it is boilerplate, evaluated at run "
        "time with numpy (`cleaner/models/line.py`, `cleaner/models/trees.py`). A second, small ensemble "
        f"({len(model['kind_trees']['roots'])} trees{kind_members}) decides whether a whole text looks like the "
        "page as text (menus and all) or like an extractor's output; the line trees take that as a feature. "
        "A text counts as page-like when the rules removed at least one of its lines and the kind trees give "
        f"it a probability of at least {model['page_like_at']}"
        + (
            f", or of at least {model['doubt_from']} when the rules removed {model['doubt_rule_lines']} or more of "
            f"its lines (then the model may take at most {model['doubt_cap']:.0%} of the words the rules left); "
            if "doubt_from" in model
            else "; "
        )
        + (
            f"its lines are dropped at or above its own cut: the probability from which dropping them gives "
            f"the text's highest expected word F1 over its lines' probabilities and words, never under "
            f"{model['threshold']} nor over {model['cut_max']} (on a text the model is unsure of the cut "
            "rises: a doubtful paragraph is worth more kept than lost), "
            if model.get("decision") == "expected_f1"
            else f"its lines are dropped at or above probability {model['threshold']}, "
        )
        + (
            "while an extractor's output is left to the rules (in cross-validation a threshold for extracts "
            "gained nothing on average and lost whole pages), "
            if model["extract_threshold"] is None
            else f"an extractor's output's at or above {model['extract_threshold']}, "
        )
        + f"and the model abstains on a document where its drops would take more than {model['page_cap']:.0%} "
        "of the words the rules left. Its drops are weak (the over-removal guard may restore them); the "
        "phrase and context rules stay in charge of everything they match. On by default "
        "(`--model off` switches it off).",
        "",
        "## Data",
        "",
        f"WCXB dev (Web Content Extraction Benchmark by Murrough Foley, CC-BY-4.0): {data['pages']} pages "
        f"from {data['domains']} web domains, each as {', '.join(data['sources'])} text. Each line is "
        f"labelled against the human main text ({data['labels']}); ambiguous lines, lines without words "
        f"and lines a rule removes are not trained on. {data['rows']:,} training lines "
        f"({data['boilerplate_rows']:,} boilerplate), each page weighing the same and lines within a page "
        "by their words, in two views: the text as given, and the text without its labelled boilerplate "
        "(what a later pass, or a second `clean`, sees).",
        "",
        "## Features",
        "",
        f"{len(model['features'])} per line, computed once per line and once per pass for the context: "
        "shape (length, words, end punctuation, capitals, digits, symbols, URL/e-mail, date/time, list "
        "markers, separators, function words, the look of source code), a learned vocabulary (per-word "
        "log-odds of boilerplate, "
        f"{c['vocabulary_size']:,} words seen on at least 5 domains, cross-fitted in training), the rules' "
        "verdicts on the line and its neighbours, position from top and bottom, the neighbours' features, "
        "runs of short lines, where the article's prose lies, overlap with the article's words, repetition, "
        "and the document's size and prose share.",
        "",
        "Most used in splits: "
        + ", ".join(f"`{n}` ({k})" for n, k in splits.most_common(12))
        + ". Page-or-extract trees: "
        + ", ".join(f"`{n}` ({k})" for n, k in kind_splits.most_common(5))
        + f" (training accuracy {c['kind_training_accuracy']}).",
        "",
        "Most boilerplate-like words: " + ", ".join(f"{w} ({v:+.1f})" for w, v in by_value[::-1][:25]) + ".",
        "",
        "Most article-like words: " + ", ".join(f"{w} ({v:+.1f})" for w, v in by_value[:25]) + ".",
        "",
        "## Metrics (5-fold cross-validation, folds grouped by web domain)",
        "",
        "Made with `.venv/bin/python bench/cv_model.py ../shared/data/wcxb-dev --jobs 2`: for each fold, a "
        "model trained on the other folds' domains cleans the held-out pages; every page is scored once, "
        "WCXB word F1 averaged per page.",
        "",
        *([remark, ""] if remark else []),
        "| input text | page type | pages | as is | rules only | rules + model |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for source, by_type in cv.items():
        for page_type, v in by_type.items():
            out.append(
                f"| {source} | {page_type} | {v['pages']} | {v['input']:.4f} | {v['rules']:.4f} | {v['model']:.4f} |"
            )
    out += [
        "",
        "## Limits",
        "",
        "Trained on English-heavy pages of seven types; the vocabulary is per word, so other languages get "
        "the shape, position and context features but little vocabulary. Labels come from word overlap with "
        "the main text, so a line quoted in the article counts as article. The explanation of a model drop "
        "names the features that pushed its score up most (Saabas contributions), not a causal account.",
        "",
        f"Trainer parameters: `{json.dumps(trainer['params'], sort_keys=True)}`.",
        "",
    ]
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model", type=Path)
    ap.add_argument("cv", type=Path)
    ap.add_argument("--date", required=True)
    ap.add_argument("--remark", default="", help="a sentence printed above the metrics table")
    args = ap.parse_args()
    model = json.loads(args.model.read_text(encoding="utf-8"))
    cv = json.loads(args.cv.read_text(encoding="utf-8"))
    print(card(model, cv, args.date, args.remark), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
