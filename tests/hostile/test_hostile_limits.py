"""Limits are documented where a person looks (docs/limits.md) and nothing runs user data.

The source is read as Python syntax trees, not grepped as text, so a docstring that mentions
``pickle`` passes and ``getattr(yaml, "unsafe_load")`` style indirection is still caught by the
import check.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from hostile_support import REPO, valid_scenario

from simulator import limits
from simulator.errors import ScenarioError
from simulator.scenario import parse_scenario

DOC = REPO / "docs" / "limits.md"
SOURCES = sorted((REPO / "simulator").rglob("*.py")) + [p for p in [REPO / "app.py"] if p.is_file()]

#: Modules whose loaders run code found in their input.
UNSAFE_MODULES = {
    "pickle",
    "cPickle",
    "_pickle",
    "dill",
    "cloudpickle",
    "marshal",
    "shelve",
    "jsonpickle",
}
#: Calls that execute or import what they are given.
UNSAFE_CALLS = {"eval", "exec", "compile", "__import__", "execfile"}
#: PyYAML functions that build arbitrary Python objects (``yaml.load`` unless given a safe loader).
UNSAFE_YAML = {"unsafe_load", "unsafe_load_all", "full_load", "full_load_all", "load_all"}
UNSAFE_LOADERS = {"Loader", "UnsafeLoader", "FullLoader"}
UNSAFE_YAML_NAMES = UNSAFE_YAML | UNSAFE_LOADERS | {"load"}
#: Allowed exceptions, each with its reason. Empty: nothing needs one.
ALLOWED: dict[tuple[str, int], str] = {}


def _name(node: ast.AST) -> str:
    """Dotted name of a call's function (``yaml.load``, ``eval``), '' when not a plain name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _name(node.value)
        return f"{base}.{node.attr}" if base else node.attr
    return ""


def _unsafe_call(node: ast.Call) -> str:
    """Why this call could run what it reads ('' when it cannot)."""
    name = _name(node.func)
    root, last = name.split(".", 1)[0], name.rsplit(".", 1)[-1]
    keywords = {k.arg: k.value for k in node.keywords}
    if name in UNSAFE_CALLS or last == "eval" or root in UNSAFE_MODULES:
        return f"{name}(...)"
    if root == "yaml" and last in UNSAFE_YAML:
        return f"{name}(...)"
    if name == "yaml.load":
        loader = keywords.get("Loader", node.args[1] if len(node.args) > 1 else None)
        return "" if loader is not None and "Safe" in _name(loader) else "yaml.load(...) unsafe"
    if root in {"pd", "pandas"} and last == "read_pickle":
        return f"{name}(...)"
    pickle_flag = keywords.get("allow_pickle")
    allowed = not (isinstance(pickle_flag, ast.Constant) and pickle_flag.value is False)
    if root in {"np", "numpy"} and last == "load" and pickle_flag is not None and allowed:
        return f"{name}(..., allow_pickle=...)"
    return ""


def _findings(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        what = ""
        if isinstance(node, ast.Import):
            bad = [a.name for a in node.names if a.name.split(".")[0] in UNSAFE_MODULES]
            what = f"import {', '.join(bad)}" if bad else ""
        elif isinstance(node, ast.ImportFrom):
            module = (node.module or "").split(".")[0]
            names = {a.name for a in node.names}
            if module in UNSAFE_MODULES or (module == "yaml" and names & UNSAFE_YAML_NAMES):
                what = f"from {node.module} import {', '.join(sorted(names))}"
        elif isinstance(node, ast.Call):
            what = _unsafe_call(node)
        elif isinstance(node, ast.Attribute) and node.attr in UNSAFE_LOADERS:
            what = f"yaml.{node.attr}" if _name(node.value) == "yaml" else ""
        if what:
            found.append((node.lineno, what))
    return found


def test_the_checker_catches_what_it_should(tmp_path: Path) -> None:
    """The syntax-tree check itself: each of these lines must be found."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import pickle\nimport yaml\nimport pandas as pd\nimport numpy as np\n"
        "pickle.loads(b'')\neval('1')\nexec('x=1')\nyaml.load(s)\n"
        "yaml.load(s, Loader=yaml.Loader)\nyaml.unsafe_load(s)\npd.read_pickle(p)\n"
        "np.load(p, allow_pickle=True)\nframe.eval('a+b')\n"
        "yaml.load(s, Loader=yaml.SafeLoader)\nyaml.safe_load(s)\n"
        "'''pickle.load and eval( in a docstring are fine'''\n"
    )
    lines = sorted({line for line, _ in _findings(bad)})
    assert lines == [1, 5, 6, 7, 8, 9, 10, 11, 12, 13]


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(REPO)))
def test_no_pickle_eval_or_unsafe_yaml_in_the_package(path: Path) -> None:
    rel = str(path.relative_to(REPO))
    found = [(line, what) for line, what in _findings(path) if (rel, line) not in ALLOWED]
    assert not found, f"{rel}: code that could run user data: {found}"


def test_docs_list_every_limit_with_its_value() -> None:
    text = DOC.read_text(encoding="utf-8")
    for limit in limits.LIMITS:
        row = next((line for line in text.splitlines() if f"`{limit.name}`" in line), None)
        assert row is not None, f"{limit.name} missing from docs/limits.md"
        numbers = {int(n.replace(",", "")) for n in re.findall(r"\d[\d,]*", row.split("|")[2])}
        assert int(limit.value) in numbers, f"{limit.name}: docs say {row!r}, code {limit.value}"


def test_limits_module_reexports_the_enforced_values() -> None:
    from simulator.floorplan import limits as plan_limits
    from simulator.scenario import MAX_VISITORS_PER_DAY

    assert limits.MAX_FILE_BYTES == plan_limits.MAX_FILE_BYTES == 50 * 2**20
    assert limits.MAX_VISITORS_PER_DAY is MAX_VISITORS_PER_DAY
    assert set(limits.__all__) >= {limit.name for limit in limits.LIMITS}


@pytest.mark.parametrize(
    ("edit", "field", "words"),
    [
        (
            lambda d: d["demand"].update(visitors_per_day=limits.MAX_VISITORS_PER_DAY + 1),
            "demand.visitors_per_day",
            "less than or equal to 20000",
        ),
        (
            lambda d: d["agencies"][0].update(counters=limits.MAX_COUNTERS_PER_AGENCY + 1),
            "agencies[0] (civil-registry).counters",
            "less than or equal to 50",
        ),
        (
            lambda d: d["run"].update(replications=limits.MAX_REPLICATIONS + 1),
            "run.replications",
            "less than or equal to 1000",
        ),
        (
            lambda d: (d["demand"].update(visitors_per_day=12_000), d["day"].update(type="busy")),
            "demand.visitors_per_day",
            "at most 20,000 a day",
        ),
        (
            lambda d: (
                d["demand"].update(visitors_per_day=10_000),
                d["run"].update(replications=600),
            ),
            "run.replications",
            "at most 500 replications",
        ),
    ],
)
def test_each_scenario_limit_is_enforced_with_its_field(edit, field: str, words: str) -> None:
    data = valid_scenario()
    edit(data)
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data, source="limits.yaml")
    assert caught.value.field == field
    assert words in str(caught.value)


def test_limits_just_inside_are_accepted() -> None:
    data = valid_scenario()
    data["demand"].update(visitors_per_day=10_000)
    data["run"].update(replications=500)
    data["agencies"][0].update(counters=limits.MAX_COUNTERS_PER_AGENCY)
    scenario = parse_scenario(data)
    limits.check_run_size(scenario, 500)
    with pytest.raises(ScenarioError, match="at most 500 replications"):
        limits.check_run_size(scenario, 501)


def test_most_agencies() -> None:
    data = valid_scenario()
    data["transfers"] = []
    data["agencies"] = [
        {
            "id": f"a{i}",
            "counters": 1,
            "visitors_per_day": 1,
            "service": {"kind": "fixed", "value_min": 1},
        }
        for i in range(limits.MAX_AGENCIES + 1)
    ]
    with pytest.raises(ScenarioError, match="at most 60 items"):
        parse_scenario(data)
    data["agencies"].pop()
    assert len(parse_scenario(data).agencies) == limits.MAX_AGENCIES
