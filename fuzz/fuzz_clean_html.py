"""atheris target for `cleaner.clean_html`: only documented errors, str text, deterministic, and
its text is a fixed point of `clean` (given the page title, as clean_html itself uses it).

Run with `make fuzz SECONDS=60` (or `python fuzz/fuzz_clean_html.py -max_total_time=60`).
"""

from __future__ import annotations

import logging
import sys

import atheris

with atheris.instrument_imports(include=["cleaner"]):
    import cleaner
    from cleaner.html import HtmlError

logging.disable(logging.CRITICAL)  # trafilatura logs every unparsable page


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    source: str | bytes
    source = fdp.ConsumeBytes(fdp.remaining_bytes()) if fdp.ConsumeBool() else fdp.ConsumeUnicodeNoSurrogates(4096)
    try:
        result = cleaner.clean_html(source)
    except HtmlError:
        return
    assert isinstance(result.text, str)
    assert cleaner.clean_html(source).text == result.text
    assert cleaner.clean(result.text, title=result.title).text == result.text


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
