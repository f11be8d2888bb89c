"""`CleanerConfig`: one immutable object holding every switch, with documented defaults.

Follows ftfy's `TextFixerConfig` shape: functions take `config=None, **overrides`, and
`CleanerConfig.from_toml` reads the same keys from a file (the CLI's `--config`).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.errors import ConfigError as ConfigError
from cleaner.sites import SiteRules, host_name, rules_of
from cleaner.types import Category, Decision

TIMEOUT_MAX = 365 * 24 * 3600.0  # a longer html_timeout is no limit (the OS timer overflows past ~1e9 s)

# The settings that count something, and the least each may be.
_WHOLE_NUMBERS = {
    "guard_min_words": 0,
    "teaser_max_words": 0,
    "summary_max_words": 0,
    "sandwich_max_words": 0,
    "max_passes": 1,
    "model_max_lines": 0,
}


@dataclass(frozen=True)
class CleanerConfig:
    """All settings of a cleaning run. Instances are immutable; use `replace` to derive.

    Attributes:
        disabled: categories that are never removed (e.g. keep related links: {"related"}, or readers' comments:
            {"comments"}; "other" keeps the HTML blocks of no family: bylines, dates, prices).
        disabled_rules: rule ids (or id prefixes ending in '.') that never fire.
        rule_files: extra TOML rule files in the package's rule format (user phrase rules).
        guard: whether the over-removal guard may restore uncertain lines.
        guard_min_words: the guard only looks at documents with at least this many words
            in prose-shaped lines (shorter documents have no "real prose" to protect).
        guard_keep_ratio: the guard fires when fewer than this share of the input's
            prose words would remain (0.25 until 2026-12-08: on whole-page texts it then undid the
            drops of far more pages it harmed than saved; bench/results/2026-12-08-s28-guard.md).
        teaser_max_words: longest line a related-block header may take as a teaser headline.
        summary_max_words: longest teaser summary (a line after a teaser headline).
        topic_overlap: a line whose content words overlap the rest of the document at least
            this much is on-topic: a related block never takes it as a teaser summary.
        sandwich_max_words: longest uncertain line taken when boilerplate of one category
            stands on both sides of it.
        box_topic_veto: ... unless that line overlaps the rest of the document this much (the
            structure is strong evidence already, so only clearly on-topic lines are spared).
        max_passes: passes over the surviving lines until nothing more is removed; what makes
            `clean(clean(t).text) == clean(t)` hold by construction.
        model: the learned line model: "builtin" (the packaged one, the default), "off" (the
            rules alone), or the path of a model file written by `cleaner train`. The packaged
            model decides lines of whole-page text and leaves extractors' outputs to the rules.
        model_threshold: a fixed cut instead of the model file's decision (the probability of
            boilerplate at or above which the model drops a line, on every text); None keeps the
            file's (the packaged model: each page-like text's own expected-F1 cut, 0.5 to 0.75).
        model_max_lines: a document of more lines than this is cleaned by the rules alone (with a
            warning on the result): it is not an article, and the model's features for a million
            lines would cost gigabytes.
        sites: per-site templates (`cleaner.sites.SiteRules`, or the path of a file written by
            `cleaner learn-sites`, loaded here): lines of a site's template are dropped from that
            site's pages. None (the default): no site templates.
        site_host: the host whose template applies when the document's url names none (the CLI
            sets it per file from the folder's name); a url's host always takes precedence.
        html_model: HTML mode's block model (`cleaner.html.blocks`): "builtin" (the default: the
            page's DOM blocks are decided by the model, trafilatura's main text is one of its
            signals), "off" (trafilatura's main text, cleaned as text), or a model file's path.
        html_threshold: override the block model's decision threshold; None keeps the file's.
        html_timeout: seconds one document may take, a page in `clean_html` (HtmlTimeout) or a text
            in `clean` (TextTimeout), rules and models built beforehand (the CLI reports the file or
            record and goes on); None, 0 or inf: no limit. Enforced in a process's main thread (the
            CLI's workers); in other threads there is no limit.
    """

    disabled: frozenset[Category] = frozenset()
    disabled_rules: frozenset[str] = frozenset()
    rule_files: tuple[Path, ...] = ()
    guard: bool = True
    guard_min_words: int = 40
    guard_keep_ratio: float = 0.1
    teaser_max_words: int = 20
    summary_max_words: int = 70
    topic_overlap: float = 0.4
    sandwich_max_words: int = 40
    box_topic_veto: float = 0.6
    max_passes: int = 8
    model: str = "builtin"
    model_threshold: float | None = None
    model_max_lines: int = 50_000
    sites: SiteRules | None = None
    site_host: str | None = None
    html_model: str = "builtin"
    html_threshold: float | None = None
    html_timeout: float | None = 120.0

    def __post_init__(self) -> None:
        # Every field is checked here, whatever set it (a TOML file, **overrides, the CLI): a wrong
        # type is one ConfigError naming the key, never a TypeError deep inside a cleaning run.
        disabled = _several("disabled", self.disabled, str, "category names")
        object.__setattr__(self, "disabled", frozenset(_categories(disabled)))
        disabled_rules = _several("disabled_rules", self.disabled_rules, str, "rule ids")
        object.__setattr__(self, "disabled_rules", frozenset(disabled_rules))
        rule_files = _several("rule_files", self.rule_files, (str, os.PathLike), "paths")
        object.__setattr__(self, "rule_files", tuple(Path(p) for p in rule_files))
        if not isinstance(self.guard, bool):
            raise ConfigError(f"guard must be true or false, got {self.guard!r}")
        for name, low in _WHOLE_NUMBERS.items():
            object.__setattr__(self, name, _whole(name, getattr(self, name), low))
        for name in ("guard_keep_ratio", "topic_overlap", "box_topic_veto"):
            value = getattr(self, name)
            if not _real(value) or not 0.0 <= value <= 1.0:
                raise ConfigError(f"{name} must be within 0..1, got {value!r}")
            object.__setattr__(self, name, float(value))
        for name in ("model", "html_model"):
            value = getattr(self, name)
            if not isinstance(value, str | os.PathLike):
                raise ConfigError(f'{name} must be "builtin", "off" or a model file\'s path, got {value!r}')
            object.__setattr__(self, name, str(value))
        for name in ("model_threshold", "html_threshold"):
            value = getattr(self, name)
            if value is not None and (not _real(value) or not 0.0 < value < 1.0):
                raise ConfigError(f"{name} must lie strictly between 0 and 1, got {value!r}")
        timeout = self.html_timeout
        if timeout is not None:
            # TOML has no None: 0 and inf (or any limit past a year) mean "no limit".
            if not _real(timeout) or math.isnan(timeout) or timeout < 0:
                raise ConfigError(f"html_timeout must be a number of seconds (0 or inf for no limit), got {timeout!r}")
            object.__setattr__(self, "html_timeout", None if timeout == 0 or timeout > TIMEOUT_MAX else float(timeout))
        if self.site_host is not None and not isinstance(self.site_host, str):
            raise ConfigError(f"site_host must be a host name, got {self.site_host!r}")
        if self.sites is not None or self.site_host is not None:
            object.__setattr__(self, "sites", None if self.sites is None else rules_of(self.sites))
            object.__setattr__(self, "site_host", host_name(str(self.site_host)) if self.site_host else None)

    def replace(self, **overrides: Any) -> CleanerConfig:
        """A copy with some fields changed; unknown names are an error, not silently ignored."""
        if not overrides:
            return self
        known = {f.name for f in dataclasses.fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ConfigError(f"unknown setting(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return dataclasses.replace(self, **overrides)

    def enabled(self, category: Category) -> bool:
        return category not in self.disabled

    def rule_enabled(self, rule_id: str) -> bool:
        return not rule_switched_off(rule_id, self.disabled_rules)

    def allows(self, decision: Decision) -> bool:
        """Whether `decision` may stand: what the user switched off (its category, or its rule id
        or a prefix of it) stays. Every stage that decides asks this; the lines a switched-off
        phrase rule would have taken are kept from the models too (`cleaner.annotate.protected_lines`)."""
        return (decision.category is None or self.enabled(decision.category)) and self.rule_enabled(decision.rule)

    @classmethod
    def from_toml(cls, path: str | Path) -> CleanerConfig:
        """Read settings from a TOML file: the same keys as the attributes, at top level.

        Relative `rule_files` are resolved against the config file's folder.
        """
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read config: {exc.strerror or exc}") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: invalid TOML: {exc}") from exc
        except RecursionError:
            raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None
        # Paths are relative to this file; a value of another type is left to __post_init__ to name.
        rule_files = data.get("rule_files")
        if isinstance(rule_files, list):
            data["rule_files"] = [path.parent / p if isinstance(p, str) else p for p in rule_files]
        elif isinstance(rule_files, str):
            data["rule_files"] = [path.parent / rule_files]
        if isinstance(data.get("sites"), str):
            data["sites"] = path.parent / data["sites"]
        for key in ("model", "html_model"):
            if isinstance(data.get(key), str) and data[key] not in ("builtin", "off"):
                data[key] = str(path.parent / data[key])
        try:
            return cls().replace(**data)
        except (ConfigError, TypeError, ValueError) as exc:
            raise ConfigError(f"{path}: {exc}") from exc


def rule_switched_off(rule_id: str, disabled_rules: Iterable[str]) -> bool:
    """Whether `rule_id` is named in `disabled_rules`, exactly (or by the id it had before a
    rename, `RENAMED`) or by a prefix ending in '.'."""
    old = RENAMED.get(rule_id)
    return any(
        rule_id == off or off == old or (off.endswith(".") and rule_id.startswith(off)) for off in disabled_rules
    )


# A renamed rule's new id -> its old one: a config written for the old id still switches it off.
RENAMED = {"en.navigation.browser-notice": "en.navigation.enable-javascript"}  # 2026-12-07


def _several(name: str, values: object, kind: type | tuple[type, ...], what: str) -> tuple[Any, ...]:
    """A set-valued setting as a tuple; one bare value (`disabled = "related"`) counts as a set of one."""
    if isinstance(values, kind):
        return (values,)
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise ConfigError(f"{name} must be a list of {what}, got {values!r}")
    items = tuple(values)
    for item in items:
        if not isinstance(item, kind):
            raise ConfigError(f"{name} must be a list of {what}, got an item {item!r}")
    return items


def _real(value: object) -> bool:
    """Whether `value` is a plain number (a bool is not one, though Python counts it as an int)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _whole(name: str, value: object, low: int) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < low:
        raise ConfigError(f"{name} must be a whole number of at least {low}, got {value!r}")
    return int(value)


def _categories(values: Iterable[Category | str]) -> Iterable[Category]:
    for v in values:
        try:
            yield Category(v)
        except ValueError:
            names = ", ".join(c.value for c in Category)
            raise ConfigError(f"unknown category {v!r}; known: {names}") from None


def resolve(config: CleanerConfig | None, overrides: Mapping[str, Any]) -> CleanerConfig:
    """The `config=None, **overrides` convention in one place."""
    return (config or DEFAULT).replace(**overrides)


DEFAULT = CleanerConfig()
