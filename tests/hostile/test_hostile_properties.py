"""Property tests: whatever a loader is given, it returns a result or raises the tool's own error.

Each input is arbitrary or a mutation of a valid one (a key deleted, a type changed, NaN,
infinity, negative or enormous numbers, random strings; for files, truncations and flipped
bytes). The loaders must end in a value or in a :class:`SimulatorError` with a message, never
in another exception. A scenario that loads must also compile and simulate; a plan that loads
must also check (and compile when it checks clean). Examples are derandomized so CI is
reproducible.
"""

from __future__ import annotations

import itertools
import json
import math
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import ezdxf
import pytest
import yaml
from hostile_support import dump_json, valid_dxf_bytes, valid_geojson, valid_scenario
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.engine import simulate_day
from simulator.errors import SimulatorError
from simulator.floorplan import check_plan, compile_site, load_floorplan
from simulator.floorplan.assemble import KINDS
from simulator.plan import compile_plan
from simulator.scenario import load_scenario, parse_scenario

T = TypeVar("T")


#: ``MPP_FUZZ_SCALE=20`` runs twenty times the examples with fresh random choices, to hunt for
#: new bugs locally; CI runs the default, derandomized and reproducible.
FUZZ_SCALE = float(os.environ.get("MPP_FUZZ_SCALE", "0") or 0)


def fuzz(examples: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Hypothesis settings for this module: reproducible, no deadline, moderate size."""
    return settings(
        max_examples=int(examples * FUZZ_SCALE) if FUZZ_SCALE else examples,
        deadline=None,
        derandomize=not FUZZ_SCALE,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.filter_too_much,
        ],
    )


def outcome(action: Callable[[], T]) -> T | SimulatorError:
    """Run ``action``; the tool's own error is an acceptable outcome if it says something."""
    try:
        return action()
    except SimulatorError as exc:
        assert str(exc).strip(), f"{type(exc).__name__} with an empty message"
        return exc


_names = itertools.count()


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile-properties")


def fresh(folder: Path, suffix: str) -> Path:
    """A new file name per example (caches key on path and modification time)."""
    return folder / f"input-{next(_names)}{suffix}"


# --- values and mutations ------------------------------------------------------------------------

#: Integers longer than 4300 digits (too long for ``str()``) only come from files; the YAML
#: tokens below carry them. In data they would only exercise pydantic-core's own ``repr``.
hostile_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 10**9, 2**63, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([math.nan, math.inf, -math.inf, 1e308, -1e-320, 0.0, -0.0]),
    st.text(max_size=12),
    st.sampled_from(["07:30", "24:00", "7:5", "tue", "lognormal", "", " ", "1e999", "NaN"]),
)
hostile_values = st.recursive(
    hostile_scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path into nested dicts and lists (the root excluded)."""
    items = (
        data.items()
        if isinstance(data, dict)
        else enumerate(data)
        if isinstance(data, list)
        else ()
    )
    for key, value in items:
        yield (*prefix, key)
        yield from paths(value, (*prefix, key))


@st.composite
def mutated(draw: st.DrawFn, base: Callable[[], Any], *, max_mutations: int = 3) -> Any:
    """``base()`` with a few random edits: delete a key/item, replace a value, add a key."""
    data = base()
    for _ in range(draw(st.integers(min_value=1, max_value=max_mutations))):
        candidates = list(paths(data))
        if not candidates:
            break
        path = draw(st.sampled_from(candidates))
        parent = data
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        action = draw(st.sampled_from(["delete", "replace", "replace", "add"]))
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(hostile_values)
        elif isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=10))] = draw(hostile_values)
        else:
            parent.append(draw(hostile_values))
    return data


# --- scenarios -----------------------------------------------------------------------------------


def check_scenario_data(data: Any) -> None:
    """Validate; a scenario that validates must compile and simulate a day."""
    scenario = outcome(lambda: parse_scenario(data, source="fuzz.yaml"))
    if isinstance(scenario, SimulatorError):
        return
    plan = outcome(lambda: compile_plan(scenario))
    if isinstance(plan, SimulatorError) or sum(a.expected_arrivals for a in plan.agencies) > 3000:
        return
    outcome(lambda: simulate_day(plan, seed=1, replication=0))


def check_scenario_file(path: Path) -> None:
    scenario = outcome(lambda: load_scenario(path))
    if not isinstance(scenario, SimulatorError):
        outcome(lambda: compile_plan(scenario))


yaml_tokens = st.sampled_from(
    [
        ":",
        ": ",
        "- ",
        " ",
        "  ",
        "\n",
        "\t",
        "{",
        "}",
        "[",
        "]",
        ",",
        "&a ",
        "*a",
        "!!str ",
        "!!python/object:os.system ",
        "!!binary ",
        "'",
        '"',
        "#",
        "---\n",
        "...\n",
        "? ",
        "<<: ",
        "|\n",
        ">\n",
        "%YAML 1.1\n",
        "~",
        "name",
        "day",
        "agencies",
        "counters",
        "share",
        "visitors_per_day",
        "1e999",
        ".nan",
        "-.inf",
        "0x1F",
        "0o17",
        "2024-01-01",
        "07:30",
        "1" * 30,
        "9" * 4400,
        "\u00e9",
        "\ufeff",
        "\x00",
        "\x85",
        "\u2028",
    ]
)


@fuzz(150)
@given(text=st.one_of(st.text(max_size=200), st.lists(yaml_tokens, max_size=60).map("".join)))
@pytest.mark.slow
def test_scenario_loader_survives_arbitrary_text(folder: Path, text: str) -> None:
    path = fresh(folder, ".yaml")
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    check_scenario_file(path)


@fuzz(60)
@given(raw=st.binary(max_size=300))
def test_scenario_loader_survives_arbitrary_bytes(folder: Path, raw: bytes) -> None:
    path = fresh(folder, ".yaml")
    path.write_bytes(raw)
    check_scenario_file(path)


@fuzz(100)
@given(data=hostile_values)
def test_parse_scenario_survives_arbitrary_nested_data(data: Any) -> None:
    check_scenario_data(data)


scenario_keys = st.sampled_from(
    ["name", "day", "demand", "agencies", "hours", "run", "id", "counters", "kind", "share"]
)


@fuzz(60)
@given(
    data=st.recursive(
        hostile_scalars,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(scenario_keys, inner, max_size=4)
        ),
        max_leaves=12,
    )
)
def test_parse_scenario_survives_nested_data_with_scenario_keys(data: Any) -> None:
    check_scenario_data(data)


@fuzz(150)
@given(data=mutated(valid_scenario))
@pytest.mark.slow
def test_mutated_scenarios_load_or_fail_cleanly(folder: Path, data: Any) -> None:
    check_scenario_data(data)
    try:
        text = yaml.safe_dump(data, allow_unicode=True)
    except (ValueError, yaml.YAMLError):
        return  # e.g. an integer too long for str(): not writable as YAML by PyYAML either
    path = fresh(folder, ".yaml")
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    check_scenario_file(path)


@fuzz(60)
@given(text=st.data())
def test_edited_scenario_text_loads_or_fails_cleanly(folder: Path, text: st.DataObject) -> None:
    """Character-level edits of a valid file: cut, duplicate or insert at random places."""
    base = yaml.safe_dump(valid_scenario(), sort_keys=False)
    for _ in range(text.draw(st.integers(1, 4))):
        i = text.draw(st.integers(0, len(base)))
        j = text.draw(st.integers(i, min(len(base), i + 40)))
        edit = text.draw(st.sampled_from(["cut", "dup", "insert"]))
        if edit == "cut":
            base = base[:i] + base[j:]
        elif edit == "dup":
            base = base[:j] + base[i:j] + base[j:]
        else:
            base = base[:i] + text.draw(yaml_tokens) + base[i:]
    path = fresh(folder, ".yaml")
    path.write_text(base, encoding="utf-8", errors="surrogatepass")
    check_scenario_file(path)


# --- floor plans ---------------------------------------------------------------------------------


def check_plan_file(path: Path) -> None:
    """Load and check; a plan that checks clean must also compile for two agencies."""
    plan = outcome(lambda: load_floorplan(path))
    if isinstance(plan, SimulatorError):
        return
    report = check_plan(plan)
    json.dumps(report.to_json(), allow_nan=False)
    assert report.to_text()
    if report.ok and plan.counters:
        outcome(lambda: compile_site(plan, counters={"a": 1, "b": 1}))


coordinate = st.one_of(
    st.floats(min_value=-20, max_value=20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1e-9, 109.36, -7.39, 1e4, 1e15, 10**400, True, "1", None]),
)
position = st.lists(coordinate, min_size=0, max_size=4)
geometry_types = st.sampled_from(
    [
        "Point",
        "MultiPoint",
        "LineString",
        "MultiLineString",
        "Polygon",
        "MultiPolygon",
        "GeometryCollection",
        "Circle",
        None,
        3,
    ]
)
coordinates = st.recursive(position, lambda inner: st.lists(inner, max_size=5), max_leaves=30)


@st.composite
def features(draw: st.DrawFn) -> Any:
    props = draw(
        st.fixed_dictionaries(
            {"kind": st.sampled_from([*KINDS, "Floor", " wall ", "junk", None, 5])},
            optional={
                "slot": st.one_of(
                    st.text(max_size=5), st.integers(), st.none(), st.lists(st.integers())
                ),
                "agency": st.one_of(st.text(max_size=5), st.none()),
                "name": st.one_of(st.text(max_size=5), st.integers()),
                "radius": st.one_of(coordinate, st.floats(0.01, 3)),
            },
        )
    )
    geometry = {"type": draw(geometry_types), "coordinates": draw(coordinates)}
    feature = {"type": "Feature", "properties": props, "geometry": geometry}
    return draw(st.sampled_from([feature, feature, feature, None, [feature], {"type": "Feature"}]))


@fuzz(100)
@given(
    data=st.one_of(
        st.fixed_dictionaries(
            {"type": st.just("FeatureCollection"), "features": st.lists(features(), max_size=8)}
        ),
        hostile_values,
    )
)
@pytest.mark.slow
def test_geojson_loader_survives_random_collections(folder: Path, data: Any) -> None:
    path = fresh(folder, ".geojson")
    try:
        path.write_text(dump_json(data), encoding="utf-8", errors="surrogatepass")
    except ValueError:
        return  # an integer too long for str(): no exporter writes it either
    check_plan_file(path)


@fuzz(120)
@given(data=mutated(valid_geojson))
def test_mutated_geojson_plans_load_or_fail_cleanly(folder: Path, data: Any) -> None:
    path = fresh(folder, ".geojson")
    try:
        path.write_text(dump_json(data), encoding="utf-8", errors="surrogatepass")
    except ValueError:
        return
    check_plan_file(path)


@fuzz(50)
@given(
    cut=st.floats(0, 1), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=6)
)
def test_damaged_geojson_bytes_fail_cleanly(folder: Path, cut: float, flips: list[Any]) -> None:
    raw = bytearray(json.dumps(valid_geojson()).encode())
    for where, byte in flips:
        raw[int(where * (len(raw) - 1))] = byte
    path = fresh(folder, ".geojson")
    path.write_bytes(bytes(raw[: max(1, int(cut * len(raw)))]))
    check_plan_file(path)


MPP_LAYERS = [f"MPP_{kind.upper()}" for kind in KINDS] + ["mpp_floor", "Mpp_Counter", "0"]
dxf_number = st.one_of(
    st.floats(min_value=-15, max_value=15),
    st.sampled_from([0.0, 1e-9, -1e6, 1e9, 1e15, 1e300, -1e300]),
)
dxf_point = st.tuples(dxf_number, dxf_number)


@st.composite
def dxf_entities(draw: st.DrawFn) -> list[tuple[str, str, Any]]:
    kinds = st.sampled_from(
        [
            "line",
            "lwpolyline",
            "polyline",
            "circle",
            "arc",
            "point",
            "text",
            "mtext",
            "ellipse",
            "spline",
            "insert",
            "solid",
            "hatch",
        ]
    )
    return draw(
        st.lists(
            st.tuples(
                kinds,
                st.sampled_from(MPP_LAYERS),
                st.tuples(
                    st.lists(dxf_point, min_size=1, max_size=6),
                    st.lists(st.floats(-3, 3) | st.sampled_from([1e10, -1e10]), max_size=6),
                    dxf_number,
                    st.booleans(),
                    st.text(max_size=6),
                ),
            ),
            max_size=10,
        )
    )


def add_entity(msp: Any, kind: str, layer: str, params: Any) -> None:
    points, bulges, number, closed, text = params
    attribs = {"layer": layer}
    p0 = points[0]
    if kind == "line":
        msp.add_line(p0, points[-1], dxfattribs=attribs)
    elif kind == "lwpolyline":
        rows = [(x, y, 0, 0, b) for (x, y), b in zip(points, bulges + [0.0] * 6, strict=False)]
        msp.add_lwpolyline(rows, format="xyseb", close=closed, dxfattribs=attribs)
    elif kind == "polyline":
        msp.add_polyline2d(points, close=closed, dxfattribs=attribs)
    elif kind == "circle":
        msp.add_circle(p0, radius=number, dxfattribs=attribs)
    elif kind == "arc":
        msp.add_arc(
            p0, radius=number, start_angle=0, end_angle=(bulges or [90])[0] * 60, dxfattribs=attribs
        )
    elif kind == "point":
        msp.add_point(p0, dxfattribs=attribs)
    elif kind == "text":
        msp.add_text(text, dxfattribs={**attribs, "insert": p0})
    elif kind == "mtext":
        msp.add_mtext(text, dxfattribs={**attribs, "insert": p0})
    elif kind == "ellipse":
        msp.add_ellipse(p0, major_axis=(number or 1.0, 0), ratio=0.5, dxfattribs=attribs)
    elif kind == "spline":
        msp.add_spline(points, dxfattribs=attribs)
    elif kind == "insert":
        doc = msp.doc
        name = f"B{len(doc.blocks)}"
        block = doc.blocks.new(name=name)
        block.add_attdef("SLOT", (0, 0))
        ref = msp.add_blockref(name, p0, dxfattribs=attribs)
        ref.add_auto_attribs({"SLOT": text, "AGENCY": text[::-1]})
    elif kind == "solid":
        msp.add_solid(points[:4] if len(points) >= 3 else [p0, p0, p0], dxfattribs=attribs)
    else:
        hatch = msp.add_hatch(dxfattribs=attribs)
        hatch.paths.add_polyline_path(points, is_closed=True)


@fuzz(80)
@given(
    entities=dxf_entities(),
    units=st.sampled_from([0, 1, 2, 4, 5, 6, 14, 3, 21, -7, 999]),
    base=st.booleans(),
)
@pytest.mark.slow
def test_dxf_loader_survives_random_entities(
    folder: Path, entities: list[tuple[str, str, Any]], units: int, base: bool
) -> None:
    doc = ezdxf.new("R2010")
    doc.header["$INSUNITS"] = units
    msp = doc.modelspace()
    if base:
        msp.add_lwpolyline(
            [(0, 0), (10, 0), (10, 10), (0, 10)], close=True, dxfattribs={"layer": "MPP_FLOOR"}
        )
        msp.add_line((4, 0), (6, 0), dxfattribs={"layer": "MPP_ENTRANCE"})
    for kind, layer, params in entities:
        try:
            add_entity(msp, kind, layer, params)
        except (ValueError, ZeroDivisionError, ezdxf.DXFError):
            continue  # ezdxf itself refuses to draw it, so no drafter can produce it either
    path = fresh(folder, ".dxf")
    doc.saveas(path)
    check_plan_file(path)


@pytest.fixture(scope="module")
def dxf_bytes(folder: Path) -> bytes:
    return valid_dxf_bytes(folder)


@fuzz(60)
@given(cut=st.floats(0, 1))
def test_truncated_dxf_fails_cleanly(folder: Path, dxf_bytes: bytes, cut: float) -> None:
    path = fresh(folder, ".dxf")
    path.write_bytes(dxf_bytes[: int(cut * len(dxf_bytes))])
    check_plan_file(path)


@fuzz(80)
@given(flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=12))
def test_dxf_with_flipped_bytes_fails_cleanly(
    folder: Path, dxf_bytes: bytes, flips: list[tuple[float, int]]
) -> None:
    raw = bytearray(dxf_bytes)
    for where, byte in flips:
        raw[int(where * (len(raw) - 1))] = byte
    path = fresh(folder, ".dxf")
    path.write_bytes(bytes(raw))
    check_plan_file(path)


dxf_tokens = st.sampled_from(
    [
        "nan", "inf", "-inf", "1e999", "1e308", "-1e308", "1e15", "abc", "", "0", "-1", "9" * 400,
        "MPP_FLOOR", "MPP_COUNTER", "LWPOLYLINE", "POINT", "INSERT", "SEQEND", "EOF", "SECTION",
        "ENDSEC", "999", "10", "42", "70", "\u00e9", "1.5abc",
    ]
)  # fmt: skip


@fuzz(120)
@given(
    edits=st.lists(st.tuples(st.floats(0, 1), dxf_tokens), min_size=1, max_size=8),
    insert=st.booleans(),
)
@pytest.mark.slow
def test_dxf_with_damaged_entity_lines_fails_cleanly(
    folder: Path, dxf_bytes: bytes, edits: list[tuple[float, str]], insert: bool
) -> None:
    """Lines of the ENTITIES section (codes, coordinates, layer names) replaced or inserted."""
    lines = dxf_bytes.decode("ascii").split("\n")
    start = lines.index("ENTITIES")
    end = next(i for i in range(start, len(lines)) if lines[i] == "ENDSEC")
    for where, token in edits:
        i = start + 1 + int(where * (end - start - 2))
        if insert:
            lines.insert(i, token)
        else:
            lines[i] = token
    path = fresh(folder, ".dxf")
    path.write_text("\n".join(lines), encoding="utf-8")
    check_plan_file(path)
