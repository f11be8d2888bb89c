"""The one thing pyproject.toml cannot yet say in setuptools' stable terms: the C tree walk
(cleaner/models/_walk.c) as an optional extension. An install without a C compiler skips it and
cleaner runs the numpy walk, which gives the same floats (cleaner.models.trees). Everything else
about the package is in pyproject.toml."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("cleaner.models._walk", ["cleaner/models/_walk.c"], optional=True)])
