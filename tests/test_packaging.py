"""What pyproject.toml promises an installer: the package data, the extras' needs, the dependencies."""

from __future__ import annotations

import importlib.metadata
import re
import tomllib
from pathlib import Path

import cleaner

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def names(requirements: list[str]) -> set[str]:
    """Distribution names, normalised (PEP 503), without versions, extras or markers."""
    return {re.sub(r"[-_.]+", "-", re.split(r"[\s\[<>=!~;]", r, maxsplit=1)[0]).lower() for r in requirements}


def test_py_typed_is_shipped() -> None:
    """Type checkers read cleaner's annotations only when the installed package carries py.typed."""
    assert (Path(cleaner.__file__).parent / "py.typed").is_file()
    assert "py.typed" in PROJECT["tool"]["setuptools"]["package-data"]["cleaner"]


def test_datatrove_extra_installs_orjson() -> None:
    """datatrove's JSONL reader imports orjson, which datatrove itself leaves to an extra of its own."""
    assert "orjson" in names(PROJECT["project"]["optional-dependencies"]["datatrove"])


def test_lxml_html_clean_is_a_main_dependency() -> None:
    """Every HTML page goes through trafilatura, whose justext imports lxml.html.clean (a separate package)."""
    assert "lxml-html-clean" in names(PROJECT["project"]["dependencies"])


# Required without being imported by cleaner itself, and why.
INDIRECT = {
    "lxml-html-clean": "justext, under trafilatura, imports lxml.html.clean",
}


def test_every_main_dependency_is_used() -> None:
    """A dependency that nothing imports only costs users an install (issue 20, item 11)."""
    modules: dict[str, set[str]] = {}
    for module, dists in importlib.metadata.packages_distributions().items():
        for dist in names(dists):
            modules.setdefault(dist, set()).add(module)
    source = "\n".join(p.read_text(encoding="utf-8") for p in Path(cleaner.__file__).parent.rglob("*.py"))
    imported = set(re.findall(r"^\s*(?:import|from)\s+(\w+)", source, re.MULTILINE))
    unused = [d for d in sorted(names(PROJECT["project"]["dependencies"])) if not modules.get(d, set()) & imported]
    assert unused == sorted(INDIRECT)


def test_the_c_walk_is_an_optional_extension() -> None:
    """An install without a C compiler goes on with the numpy walk (the same floats,
    tests/test_native_walk.py), so the extension must stay optional, and its source ship."""
    import ast

    calls = [n for n in ast.walk(ast.parse((ROOT / "setup.py").read_text(encoding="utf-8"))) if isinstance(n, ast.Call)]
    (ext,) = [c for c in calls if isinstance(c.func, ast.Name) and c.func.id == "Extension"]
    name, sources = (ast.literal_eval(a) for a in ext.args)
    options = {k.arg: ast.literal_eval(k.value) for k in ext.keywords}
    assert name == "cleaner.models._walk" and options.get("optional") is True
    assert all((ROOT / source).is_file() for source in sources)
    assert (ROOT / "cleaner" / "models" / "_walk.pyi").is_file()
    assert "models/*.pyi" in PROJECT["tool"]["setuptools"]["package-data"]["cleaner"]
