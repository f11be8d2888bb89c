"""atheris target for the patterns: every packaged rule and the structural patterns, on one
adversarial line (a fuzzed unit repeated up to 20,000 characters, between a fuzzed head and tail),
must finish within a time bound: a super-linear pattern shows up as a slow input (issue 21).

Run with `make fuzz SECONDS=60` (or `python fuzz/fuzz_rules.py -max_total_time=60`).
"""

from __future__ import annotations

import re
import sys
import time

import atheris

with atheris.instrument_imports():
    from cleaner import revise
    from cleaner.html import page as html
    from cleaner.rules import load_rules

BOUND_S = 0.5  # per pattern on a 20,000-character line; linear patterns take well under 10 ms
PATTERNS: list[tuple[str, re.Pattern[str]]] = [(r.id, re.compile(r.pattern)) for r in load_rules()]
STRUCTURAL: list[tuple[str, re.Pattern[str]]] = [
    ("revise._CRUMB_SPLIT", revise._CRUMB_SPLIT),
    ("html._ATTR", html._ATTR),
    ("html._META", html._META),
    ("html._HTML_START", html._HTML_START),
    ("html._FRAGMENT", html._FRAGMENT),
]


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    head = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 40))
    unit = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(1, 12)) or " "
    tail = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 40))
    line = head + unit * (20_000 // len(unit)) + tail
    for name, pattern in PATTERNS + STRUCTURAL:
        start = time.perf_counter()
        pattern.search(line.lower())
        pattern.findall(line)
        spent = time.perf_counter() - start
        assert spent < BOUND_S, f"{name}: {spent:.2f} s on {head!r} + {unit!r} * n + {tail!r}"


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
