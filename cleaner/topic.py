"""What a document is about: content words, so that off-topic teasers can be told from prose.

Content words are `\\w+` tokens of three or more letters that are not function words of the
major languages. The function-word lists are jusText's stoplists (jusText ships with
trafilatura), read once.
"""

from __future__ import annotations

import importlib.util
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

_TOKEN = re.compile(r"[^\W\d_]{3,}")
# A model file records these (`cleaner.models.trees.stopword_languages_entry`): a change shifts its features.
STOPLIST_LANGUAGES = ("English", "German", "French", "Spanish", "Italian", "Portuguese", "Dutch")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Union of the function-word lists of the major Latin-script languages (immutable)."""
    words: set[str] = set()
    for language in STOPLIST_LANGUAGES:
        words |= {w.lower() for w in _stoplist(language)}
    return frozenset(words)


def _stoplist(language: str) -> frozenset[str]:
    """`justext.get_stoplist(language)`: the same file read the same way, without importing
    jusText (and lxml with it), ~45 ms of a text run's start. Through jusText if its files are
    not plain files on disk."""
    spec = importlib.util.find_spec("justext")  # finds the package without running it
    folders = list(spec.submodule_search_locations or ()) if spec is not None else []
    try:
        data = (Path(folders[0]) / "stoplists" / f"{language}.txt").read_bytes()
    except (IndexError, OSError):
        import justext

        return frozenset(justext.get_stoplist(language))
    return frozenset(w.decode("utf8").lower() for w in data.splitlines())


def content_words(text: str) -> frozenset[str]:
    """The line's content words. Cached for lines of ordinary length: the passes, the model's
    features and the settle rounds ask again for the same lines."""
    return _cached_content_words(text) if len(text) <= _CACHED_CHARS else _content_words(text)


_CACHED_CHARS = 10_000  # a huge line is not kept alive by the cache


def _content_words(text: str) -> frozenset[str]:
    stop = stopwords()
    return frozenset(t for t in _TOKEN.findall(text.lower()) if t not in stop)


_cached_content_words = lru_cache(maxsize=1 << 14)(_content_words)


def vocabulary(lines: Iterable[frozenset[str]]) -> Counter[str]:
    """How many lines each content word occurs in."""
    counts: Counter[str] = Counter()
    for words in lines:
        counts.update(words)
    return counts


def overlap(words: frozenset[str], vocab: Counter[str], exclude: Counter[str]) -> float | None:
    """Share of `words` found elsewhere in the document (vocab minus `exclude`).

    None when the line has too few content words to judge.
    """
    if len(words) < 3:
        return None
    shared = sum(1 for w in words if vocab[w] - exclude[w] > 0)
    return shared / len(words)
