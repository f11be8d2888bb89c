"""The tree engine both learned models use: a gradient-boosted tree ensemble evaluated with numpy.

A model file (JSON: the line model's, `cleaner.models.line`, written by `cleaner.learn.train`;
the block model's, `cleaner.html.blocks`, written by `cleaner.learn.domtrain`) holds its trees as
flat arrays: node `k` is a split (`feature[k] >= 0`: go to `left[k]` when
`x[feature[k]] <= threshold[k]`, else `right[k]`) or a leaf (`feature[k] == -1`). `value[k]` is
the node's output: the leaf value, or for a split the mean output of the rows that reached it in
training, which is what the per-feature contributions behind every explanation are computed
from (each step down a tree credits its feature with the change of value).

All trees are walked at once: one (rows x trees) array of node ids, advanced level by level,
so scoring a document costs a few dozen numpy operations whatever its length. Where the package's
C walk is built (`cleaner/models/_walk.c`, an optional extension: an install without a C compiler
goes on without it), it takes the same steps and sums in the same order, so it gives the same
floats, three times faster (bench/results/2026-12-07-native-walk.md); `NATIVE` says which runs.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

import numpy as np

from cleaner.topic import STOPLIST_LANGUAGES

try:  # the C walk, when the optional extension was built at install
    from cleaner.models import _walk as _cwalk
except ImportError:  # pragma: no cover - an install without a C compiler: the numpy walk
    _cwalk = None  # type: ignore[assignment]
# Whether the C walk runs: where it was built, unless CLEANER_NUMPY_WALK is set (to time or check the
# numpy walk; tests set NATIVE itself to hold the two to the same floats).
NATIVE = _cwalk is not None and not os.environ.get("CLEANER_NUMPY_WALK")

BUILTIN = "builtin"
LANGUAGES = "stopword_languages"  # a model file's record of `cleaner.topic.STOPLIST_LANGUAGES`
# Rows scored at a time. The walk's working set is rows x trees: at 512 rows (300 trees) it stays
# in cache; 2048 rows ran 2.6x slower per row on one large document (measured, bench notes).
CHUNK = 512
# Bounds on a model file, far above any trained one (300 trees of depth 8, 18,300 nodes): the walk's
# buffers take ~40 bytes x CHUNK x trees (5,000 trees: 100 MB), each row takes `depth` steps.
MAX_TREES = 5_000
MAX_NODES = 2_000_000
MAX_DEPTH = 64
_TWICE = "a node is reached twice (a cycle, or trees that share nodes)"
# np.take's mode for the walk's gathers: every index is in range (the tables are checked in `of`),
# and "clip" writes straight into `out=`, where the default "raise" buffers the whole result first
# (a third of the walk's time, measured: bench/results/2026-12-05-html-speed.md).
_IN_RANGE: Literal["clip"] = "clip"


class ModelError(ValueError):
    """A model file is missing, unreadable or not a cleaner model of its kind; the message names it."""


@dataclass(frozen=True, eq=False)
class Trees:
    """One tree ensemble as flat node arrays (see the module docstring)."""

    roots: np.ndarray
    feature: np.ndarray
    split: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    width: int  # the number of features of a row
    base: float = 0.0

    @classmethod
    def of(cls, data: Mapping[str, object], width: int, source: str, what: str) -> Trees:
        """The trees of a model file's `data[what]`, checked first: a bad file is one ModelError
        naming it, never a traceback or an allocation that fails on every document."""

        def bad(problem: str) -> ModelError:
            return ModelError(f"{source}: malformed model file ({what}: {problem})")

        def arr(key: str, kinds: str, dtype: type) -> np.ndarray:
            if key not in data:
                raise bad(f"no {key!r}")
            try:
                found = np.asarray(data[key])
            except ValueError:  # ragged nesting
                found = np.zeros((0, 0))
            if found.ndim != 1 or (found.size and found.dtype.kind not in kinds):
                raise bad(f"{key} must be an array of {'whole numbers' if kinds == 'iu' else 'numbers'}")
            return found.astype(dtype)

        if not isinstance(data, Mapping):
            raise bad("not an object")
        roots, feature, left, right = (arr(k, "iu", np.int64) for k in ("roots", "feature", "left", "right"))
        split, value = arr("threshold", "iuf", np.float64), arr("value", "iuf", np.float64)
        n = len(feature)
        if {len(split), len(left), len(right), len(value)} != {n}:
            raise bad("node arrays disagree")
        # The walk holds CHUNK x trees node ids, and renumbering visits every node in Python.
        if not 0 < len(roots) <= min(n, MAX_TREES) or n > MAX_NODES:
            raise bad(f"{len(roots)} trees of {n} nodes; at most {MAX_TREES} trees, {MAX_NODES} nodes")
        if len(np.unique(roots)) != len(roots):
            raise bad("two trees share a root")
        inner = feature >= 0
        for ids in (roots, left[inner], right[inner]):
            if ids.size and (ids.min() < 0 or ids.max() >= n):
                raise bad("a node index is out of range")
        if inner.any() and feature[inner].max() >= width:
            raise bad("a feature index is out of range")
        if not np.isfinite(value).all() or np.isnan(split).any():
            raise bad("a value is not a finite number")
        try:
            return cls(roots, feature, split, left, right, value, width)
        except RecursionError as exc:
            raise bad(str(exc)) from None

    def __post_init__(self) -> None:
        # Renumbered for the walk: each split's two children are adjacent (right = left + 1), and
        # a leaf is its own child with threshold +inf, so a step is `child[node] + (x > split)`
        # and every row takes exactly `depth` steps.
        # Level by level with whole arrays: a level's splits hand on their children in order (left,
        # right), so a split's first child's new position is the level's end plus twice the number
        # of splits before it on its level.
        levels: list[np.ndarray] = []
        firsts: list[np.ndarray] = []  # each level's nodes' first child's new position; -1 for a leaf
        level = self.roots.astype(np.int64)
        placed, depth = len(level), 0
        while True:
            levels.append(level)
            inner = self.feature[level] >= 0
            first = np.full(len(level), -1, np.int64)
            first[inner] = placed + 2 * np.arange(int(inner.sum()), dtype=np.int64)
            firsts.append(first)
            split = level[inner]
            if not len(split):
                break
            depth += 1
            if placed + 2 * len(split) > len(self.feature):
                raise RecursionError(_TWICE)
            if depth > MAX_DEPTH:
                raise RecursionError(f"a tree is deeper than {MAX_DEPTH} levels")
            level = np.stack([self.left[split], self.right[split]], axis=1).ravel()
            placed += len(level)
        new = np.concatenate(levels)
        if len(np.unique(new)) != len(new):
            raise RecursionError(_TWICE)
        inner = self.feature[new] >= 0
        position = np.arange(len(new))
        kids = np.concatenate(firsts)
        # For the contributions: the change of value of the step into each node, and the feature it
        # credits (its parent's); a root has none. The same subtraction as value[child] - value[node].
        parent = np.full(len(new), -1, np.int64)
        parent[kids[inner]], parent[kids[inner] + 1] = position[inner], position[inner]
        has, up = parent >= 0, np.maximum(parent, 0)
        value, feature = self.value[new], np.where(inner, self.feature[new], 0)
        step, credited = np.where(has, value - value[up], 0.0), np.where(has, feature[up], 0)
        # Each leaf steps once more, into a copy of itself that is its own child with a step of 0.0
        # (`value[copy] - value[leaf]`, as a leaf that stayed put gave): the walk reads a step's change
        # of value from one table (`_step[next]`) instead of two gathers and a subtraction.
        leaves = position[~inner]
        copies = len(new) + np.arange(len(leaves))
        child_of = np.where(inner, kids, position)
        child_of[leaves] = copies
        # int32 node tables: half the memory traffic of the walk's gathers (node ids < 2**31).
        object.__setattr__(self, "_roots", position[: len(self.roots)].astype(np.int32))
        object.__setattr__(
            self, "_feature", np.concatenate([feature, np.zeros(len(leaves), np.int64)]).astype(np.int32)
        )
        object.__setattr__(
            self, "_split", np.concatenate([np.where(inner, self.split[new], np.inf), np.full(len(leaves), np.inf)])
        )
        object.__setattr__(self, "_child", np.concatenate([child_of, copies]).astype(np.int32))
        object.__setattr__(self, "_value", np.concatenate([value, value[leaves]]))
        object.__setattr__(self, "depth", depth)
        object.__setattr__(self, "_step", np.concatenate([step, np.zeros(len(leaves))]))
        object.__setattr__(
            self, "_credited", np.concatenate([credited, np.zeros(len(leaves), np.int64)]).astype(np.int32)
        )

    def _path(self, x: np.ndarray) -> np.ndarray:
        """The node each row stands at in each tree at each level: a (depth + 1, rows, trees)
        array whose last level is `_walk(x)` (the same steps), for `_gains` to explain any rows."""
        feature: np.ndarray = self._feature  # type: ignore[attr-defined]
        split: np.ndarray = self._split  # type: ignore[attr-defined]
        child: np.ndarray = self._child  # type: ignore[attr-defined]
        width = x.shape[1]
        flat = np.ascontiguousarray(x).ravel()
        shape = (len(x), len(self._roots))  # type: ignore[attr-defined]
        base = (np.arange(len(x), dtype=np.int32) * np.int32(width))[:, None]
        path = np.empty((self.depth + 1, *shape), np.int32)  # type: ignore[attr-defined]
        path[0] = self._roots  # type: ignore[attr-defined]
        cell, seen, cut = np.empty(shape, np.int32), np.empty(shape), np.empty(shape)
        right = np.empty(shape, bool)
        for level in range(self.depth):  # type: ignore[attr-defined]
            nodes, nxt = path[level], path[level + 1]
            np.take(feature, nodes, out=cell, mode=_IN_RANGE)
            cell += base
            np.take(flat, cell, out=seen, mode=_IN_RANGE)
            np.greater(seen, np.take(split, nodes, out=cut, mode=_IN_RANGE), out=right)
            np.take(child, nodes, out=nxt, mode=_IN_RANGE)
            nxt += right
        return path

    def _gains(self, path: np.ndarray, width: int) -> np.ndarray:
        """Saabas contributions of the rows whose `_path` this is: the same cells and the same
        sums, in the same order, as `_walk` with `contrib` (so the same floats)."""
        step: np.ndarray = self._step  # type: ignore[attr-defined]
        credited: np.ndarray = self._credited  # type: ignore[attr-defined]
        rows = path.shape[1]
        out = np.zeros((rows, width))
        base = (np.arange(rows, dtype=np.int32) * np.int32(width))[:, None]
        for level in range(1, len(path)):
            nodes = path[level]
            # A row already at a leaf stays there: `_walk` adds 0.0 for it, which changes no sum
            # (a bin starts at +0.0 and never becomes -0.0), so its step is credited 0.0 anywhere.
            gain = np.where(nodes == path[level - 1], 0.0, step[nodes])
            out += np.bincount((credited[nodes] + base).ravel(), gain.ravel(), out.size).reshape(out.shape)
        return out

    def score_and_contributions_at(
        self, x: np.ndarray, at: float | Callable[[np.ndarray], float]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`score(x)`, the rows scoring at or above `at`, and their `contributions` (in that
        order), from one walk: the same floats as `score` and `contributions` of those rows."""
        return mean_score_and_contributions_at((self,), x, at)

    def _native(self, x: np.ndarray, contrib: np.ndarray | None = None) -> np.ndarray:
        """The raw scores of every row by the C walk (`cleaner/models/_walk.c`), and with `contrib`
        each row's contributions added to it, as `_walk` adds them."""
        rows = np.ascontiguousarray(x, dtype=np.float64)
        if rows.ndim != 2 or (contrib is not None and contrib.shape != rows.shape):
            raise ValueError(f"a (rows x features) array expected, got one of shape {rows.shape}")
        sums = np.empty(len(rows))
        assert _cwalk is not None
        _cwalk.walk(
            self._feature,  # type: ignore[attr-defined]
            self._split,  # type: ignore[attr-defined]
            self._child,  # type: ignore[attr-defined]
            self._value,  # type: ignore[attr-defined]
            self._step,  # type: ignore[attr-defined]
            self._roots,  # type: ignore[attr-defined]
            self.depth,  # type: ignore[attr-defined]
            rows.shape[1],
            rows,
            sums,
            contrib,
        )
        out: np.ndarray = sums + self.base
        return out

    def _walk(self, x: np.ndarray, contrib: np.ndarray | None = None) -> np.ndarray:
        """The leaf each row reaches in each tree (in the walk's numbering: index `_value`);
        with `contrib`, add each split's change of value to its feature's column (Saabas)."""
        feature: np.ndarray = self._feature  # type: ignore[attr-defined]
        split: np.ndarray = self._split  # type: ignore[attr-defined]
        child: np.ndarray = self._child  # type: ignore[attr-defined]
        step: np.ndarray = self._step  # type: ignore[attr-defined]
        roots: np.ndarray = self._roots  # type: ignore[attr-defined]
        width = x.shape[1]
        flat = np.ascontiguousarray(x).ravel()
        shape = (len(x), len(roots))
        base = (np.arange(len(x), dtype=np.int32) * np.int32(width))[:, None]
        nodes = np.broadcast_to(roots, shape).copy()
        # One set of buffers for every level: np.take into them allocates nothing per step.
        cell, seen, cut = np.empty(shape, np.int32), np.empty(shape), np.empty(shape)
        right, nxt = np.empty(shape, bool), np.empty_like(nodes)
        cells = contrib.size if contrib is not None else 0
        for _ in range(self.depth):  # type: ignore[attr-defined]
            np.take(feature, nodes, out=cell, mode=_IN_RANGE)
            cell += base  # the (row, feature) cell each node reads
            np.take(flat, cell, out=seen, mode=_IN_RANGE)
            np.greater(seen, np.take(split, nodes, out=cut, mode=_IN_RANGE), out=right)
            np.take(child, nodes, out=nxt, mode=_IN_RANGE)
            nxt += right
            if contrib is not None:
                # Sum each split's change of value (value[nxt] - value[nodes]) into its (row, feature) cell.
                gain = np.take(step, nxt, out=cut, mode=_IN_RANGE)
                contrib += np.bincount(cell.ravel(), gain.ravel(), cells).reshape(contrib.shape)
            nodes, nxt = nxt, nodes
        return nodes

    def raw(self, x: np.ndarray) -> np.ndarray:
        """The ensemble's raw score (log-odds) for each row of `x`, CHUNK rows at a time (the
        node array is rows x trees: memory stays flat however long the document)."""
        if NATIVE:
            return self._native(x)
        out = np.zeros(len(x))
        for start in range(0, len(x), CHUNK):
            part = x[start : start + CHUNK]
            leaves = self._walk(part)
            out[start : start + len(part)] = self._value[leaves].sum(axis=1) + self.base  # type: ignore[attr-defined]
        return out

    def raw_and_contributions(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`raw(x)` and `contributions(x)` from one walk of the trees."""
        out = np.zeros((len(x), self.width))
        if NATIVE:
            return self._native(x, contrib=out), out
        raw = np.zeros(len(x))
        for start in range(0, len(x), CHUNK):
            leaves = self._walk(x[start : start + CHUNK], out[start : start + CHUNK])
            raw[start : start + len(leaves)] = self._value[leaves].sum(axis=1) + self.base  # type: ignore[attr-defined]
        return raw, out

    def score(self, x: np.ndarray) -> np.ndarray:
        """The probability of the positive class for each row of `x`."""
        return sigmoid(self.raw(x))

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Per-feature contributions to each row's raw score (Saabas: each split's change of
        value, credited to the split's feature); a (rows x features) array. With the roots'
        values and `base` they add up to `raw`."""
        out = np.zeros((len(x), self.width))
        if NATIVE:
            self._native(x, contrib=out)
            return out
        for start in range(0, len(x), CHUNK):
            self._walk(x[start : start + CHUNK], out[start : start + CHUNK])
        return out


def sigmoid(raw: np.ndarray) -> np.ndarray:
    """The probability of a log-odds."""
    out: np.ndarray = 1.0 / (1.0 + np.exp(-raw))
    return out


def member_mean(parts: Sequence[np.ndarray]) -> np.ndarray:
    """The members' mean; one member's own array (the same floats)."""
    if len(parts) == 1:
        return parts[0]
    total = parts[0].copy()
    for part in parts[1:]:
        total += part
    out: np.ndarray = total / len(parts)
    return out


def mean_score_and_contributions_at(
    members: Sequence[Trees], x: np.ndarray, at: float | Callable[[np.ndarray], float]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`Trees.score_and_contributions_at` of a model of one or more members (the same setup trained
    with other seeds): the mean of the members' probabilities, the rows whose mean is at or above
    `at`, and the mean of those rows' contributions (so an explanation weighs the members as the
    score does), from one walk of each member's trees. One member gives its own floats.

    `at` may be a function of all the rows' probabilities (a text's own cut, `cleaner.models.cut`):
    then the rows of a text of up to CHUNK rows are still walked once; a longer text's rows are
    scored first and the rows at or above the cut walked again for their contributions (the same
    floats: a row's walk does not depend on the others)."""
    cut: Callable[[np.ndarray], float]
    if callable(at):
        cut = at
    else:
        fixed = at

        def cut(_: np.ndarray) -> float:
            return fixed

    width = members[0].width
    if NATIVE or (callable(at) and len(x) > CHUNK):
        # Every row's score, then the picked rows walked again for their contributions: the C walk
        # writes no paths, and a longer text's cut needs all its rows' scores first.
        p = member_mean([m.score(x) for m in members])
        picked = np.flatnonzero(p >= cut(p))
        if not len(picked):
            return p, picked, np.zeros((0, width))
        return p, picked, member_mean([m.contributions(x[picked]) for m in members])
    p = np.zeros(len(x))
    hits: list[np.ndarray] = []
    gains_parts: list[np.ndarray] = [np.zeros((0, width))]
    for start in range(0, len(x), CHUNK):
        paths = [m._path(x[start : start + CHUNK]) for m in members]
        raws = [m._value[path[-1]].sum(axis=1) + m.base for m, path in zip(members, paths, strict=True)]  # type: ignore[attr-defined]
        part = member_mean([sigmoid(raw) for raw in raws])
        p[start : start + len(part)] = part
        picked = np.flatnonzero(part >= cut(part))
        if len(picked):
            hits.append(picked + start)
            gains_parts.append(
                member_mean([m._gains(path[:, picked], width) for m, path in zip(members, paths, strict=True)])
            )
    return p, np.concatenate([np.zeros(0, np.int64), *hits]), np.vstack(gains_parts)


def read_model_json(spec: str, builtin_file: str) -> tuple[Mapping[str, object], str] | None:
    """A model file's parsed JSON and the name to use in errors: `spec` "off" gives None,
    "builtin" the packaged `builtin_file` (None when the checkout has none), else a path.
    ModelError names the file and what is wrong with it."""
    if spec == "off":
        return None
    if spec == BUILTIN:
        source = f"cleaner/data/{builtin_file}"
        try:
            text = resources.files("cleaner.data").joinpath(builtin_file).read_text(encoding="utf-8")
        except (FileNotFoundError, ModuleNotFoundError):
            return None  # a checkout before the model was trained
    else:
        source = spec
        try:
            text = Path(spec).read_text(encoding="utf-8")
        except OSError as exc:
            raise ModelError(f"{spec}: cannot read the model file ({exc.strerror or exc})") from None
        except UnicodeDecodeError:
            raise ModelError(f"{spec}: not a model file (not UTF-8 JSON)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(f"{source}: not a model file (invalid JSON: {exc})") from None
    except RecursionError:
        raise ModelError(f"{source}: not a model file (JSON nested too deeply)") from None
    if not isinstance(data, dict):
        raise ModelError(f"{source}: not a model file (JSON is not an object)")
    return data, source


def stopword_languages_entry() -> dict[str, list[str]]:
    """What a model file records of the function-word lists its features read (the stopword share,
    the content words): their languages, `{LANGUAGES: [...]}`, for the trainer to write."""
    return {LANGUAGES: list(STOPLIST_LANGUAGES)}


def check_stopword_languages(data: Mapping[str, object], source: str) -> None:
    """Refuse a model file trained with other stopword languages than `cleaner.topic`'s: adding a
    language shifts the features silently. A file without the record (written before files had
    one) is read as it is."""
    if LANGUAGES not in data:
        return
    found, want = data[LANGUAGES], list(STOPLIST_LANGUAGES)
    if found != want:
        listed = ", ".join(map(str, found)) if isinstance(found, list) else repr(found)
        raise ModelError(
            f"{source}: the model was trained with the stopword languages [{listed}], this version of cleaner "
            f"reads [{', '.join(want)}] (cleaner/topic.py): its features would differ; retrain it"
        )
