"""The README's library example is run as a doctest, so its shown output stays true."""

from __future__ import annotations

import doctest
import os

from tests.conftest import ROOT


def test_readme_examples_run() -> None:
    cwd = os.getcwd()
    os.chdir(ROOT)  # the example opens a fixture by its repository path
    try:
        result = doctest.testfile(str(ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS)
    finally:
        os.chdir(cwd)
    assert result.attempted >= 3
    assert result.failed == 0
