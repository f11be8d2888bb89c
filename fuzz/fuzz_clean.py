"""atheris target for `cleaner.clean`: never raises, returns str, idempotent on its own output.

Run with `make fuzz SECONDS=60` (or `python fuzz/fuzz_clean.py -max_total_time=60`).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    import cleaner


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    result = cleaner.clean(text)
    assert isinstance(result.text, str)
    again = cleaner.clean(result.text)
    assert again.text == result.text, (text, result.text, again.text)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
