"""Scenario files: every kind of broken file gives one clear error; valid files load faithfully.

A broken file must end in exactly one :class:`ScenarioError` whose single-line message names the
file, the field and the bad value or what was expected. Most broken files here are the small
valid fixture ``tests/data/scenarios/minimal.yaml`` with one thing changed.
"""

from __future__ import annotations

import math
import re
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from simulator import distributions as distributions_module
from simulator import scenario as scenario_module
from simulator import yaml_input
from simulator.distributions import Exponential, LogNormal, Mixture
from simulator.errors import ScenarioError
from simulator.plan import compile_plan
from simulator.scenario import (
    MAX_SCENARIO_BYTES,
    Scenario,
    load_scenario,
    parse_scenario,
    scenario_to_yaml,
)

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "scenarios"
MINIMAL = DATA / "minimal.yaml"
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))

Data = dict[str, Any]


def _minimal() -> Data:
    return yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))


def _write(folder: Path, data: Data, name: str = "scenario.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def _error(path: Path) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return caught.value


def _assert_clear(error: ScenarioError, path: Path, words: tuple[str, ...]) -> None:
    """One line, starting with the file name, containing each expected word."""
    text = str(error)
    assert "\n" not in text, text
    assert text.startswith(f"{path}: "), text
    assert error.file == str(path)
    for word in words:
        assert word.lower() in text.lower(), f"{word!r} missing from: {text}"


def _set(*keys: str | int, value: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        node: Any = data
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value

    return change


def _drop(*keys: str | int) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        node: Any = data
        for key in keys[:-1]:
            node = node[key]
        del node[keys[-1]]

    return change


def _add_transfer(data: Data) -> None:
    data["transfers"].append({"from": "tax", "to": "civil-registry", "share": 0.6})


# (case id, change to the minimal scenario, field named in the error, words the message must hold)
BROKEN_FIELDS: list[tuple[str, Callable[[Data], None], str, tuple[str, ...]]] = [
    ("unknown-top-level-key", _set("colour", value="red"), "colour", ("unknown key",)),
    (
        "unknown-nested-key",
        _set("agencies", 2, "countres", value=2),
        "agencies[2] (bank).countres",
        ("unknown key", "spelling"),
    ),
    (
        "negative-counters",
        _set("agencies", 0, "counters", value=-3),
        "agencies[0] (civil-registry).counters",
        ("-3", "greater than or equal to 0"),
    ),
    (
        "zero-counters",
        _set("agencies", 0, "counters", value=0),
        "agencies[0] (civil-registry).counters",
        ("no counters", "in no counter group"),
    ),
    (
        "counters-as-word",
        _set("agencies", 1, "counters", value="five"),
        "agencies[1] (tax).counters",
        ("'five'", "integer"),
    ),
    (
        "fractional-counters",
        _set("agencies", 1, "counters", value=2.5),
        "agencies[1] (tax).counters",
        ("2.5", "integer"),
    ),
    (
        "boolean-counters",
        _set("agencies", 1, "counters", value=True),
        "agencies[1] (tax).counters",
        ("True", "integer"),
    ),
    (
        "too-many-counters",
        _set("agencies", 0, "counters", value=51),
        "agencies[0] (civil-registry).counters",
        ("51", "less than or equal to 50"),
    ),
    (
        "agency-shares-not-one",
        _set("agencies", 0, "share", value=0.6),
        "agencies",
        ("shares", "sum to 1", "1.1"),
    ),
    (
        "profile-shares-not-one",
        _set("demand", "arrival_profile", 0, "share", value=0.3),
        "demand.arrival_profile",
        ("sum to 1", "0.8"),
    ),
    (
        "profile-bins-overlap",
        _set("demand", "arrival_profile", 1, "start", value="08:30"),
        "demand.arrival_profile",
        ("overlap", "08:30"),
    ),
    (
        "closing-before-opening",
        _set("day", "hours", "closing", value="07:00"),
        "day.hours.closing",
        ("closing 07:00", "before", "tickets_open <= service_start <= last_ticket <= closing"),
    ),
    (
        "service-before-tickets",
        _set("day", "hours", "service_start", value="07:00"),
        "day.hours.service_start",
        ("service_start 07:00", "before tickets_open 07:30"),
    ),
    (
        "last-ticket-after-closing",
        _set("day", "hours", "last_ticket", value="12:30"),
        "day.hours.closing",
        ("12:30", "last_ticket", "before"),
    ),
    (
        "break-ends-before-start",
        _set("day", "hours", "breaks", 0, "end", value="09:30"),
        "day.hours.breaks[0]",
        ("09:30", "10:00", "not after"),
    ),
    (
        "break-staffed-share-above-one",
        _set("day", "hours", "breaks", 0, "staffed_share", value=1.5),
        "day.hours.breaks[0].staffed_share",
        ("1.5", "less than or equal to 1"),
    ),
    (
        "transfer-to-unknown-agency",
        _set("transfers", 0, "to", value="banc"),
        "transfers[0].to",
        ("unknown agency 'banc'", "civil-registry, tax, bank"),
    ),
    (
        "transfer-from-unknown-agency",
        _set("transfers", 0, "from", value="taxes"),
        "transfers[0].from",
        ("unknown agency 'taxes'",),
    ),
    (
        "transfer-to-itself",
        _set("transfers", 0, "to", value="tax"),
        "transfers[0].to",
        ("'tax'", "itself"),
    ),
    ("transfers-over-one", _add_transfer, "transfers", ("'tax'", "1.1", "more than 1")),
    (
        "duplicate-agency-id",
        _set("agencies", 1, "id", value="civil-registry"),
        "agencies[1] (civil-registry).id",
        ("'civil-registry'", "twice", "agencies[0]"),
    ),
    (
        "agency-id-with-space",
        _set("agencies", 1, "id", value="tax office"),
        "agencies[1] (tax office).id",
        ("'tax office'", "lower-case"),
    ),
    (
        "agency-id-upper-case",
        _set("agencies", 1, "id", value="Tax"),
        "agencies[1] (Tax).id",
        ("'Tax'", "lower-case"),
    ),
    (
        "absurd-visitor-volume",
        _set("demand", "visitors_per_day", value=1e9),
        "demand.visitors_per_day",
        ("1000000000", "less than or equal to 20000"),
    ),
    (
        "nan-visitor-volume",
        _set("demand", "visitors_per_day", value=math.nan),
        "demand.visitors_per_day",
        ("nan", "finite"),
    ),
    (
        "infinite-share",
        _set("agencies", 0, "share", value=math.inf),
        "agencies[0] (civil-registry).share",
        ("inf", "finite"),
    ),
    (
        "infinite-service-mean",
        _set("agencies", 1, "service", value={"kind": "gamma", "mean_min": math.inf, "cv": 1}),
        "agencies[1] (tax).service.mean_min",
        ("inf", "finite"),
    ),
    (
        "distribution-as-number",
        _set("agencies", 0, "service", value=7),
        "agencies[0] (civil-registry).service",
        ("got 7", "distribution", "kind"),
    ),
    (
        "unknown-distribution-kind",
        _set("agencies", 0, "service", value={"kind": "weibull", "mean_min": 7}),
        "agencies[0] (civil-registry).service",
        ("'weibull'", "lognormal", "exponential"),
    ),
    (
        "distribution-without-kind",
        _set("patience", value={"mean_min": 60}),
        "patience",
        ("kind", "exponential"),
    ),
    (
        "lognormal-without-cv",
        _set("agencies", 0, "service", value={"kind": "lognormal", "median_min": 7}),
        "agencies[0] (civil-registry).service.cv",
        ("required", "missing"),
    ),
    (
        "exponential-with-mean-and-rate",
        _set("patience", value={"kind": "exponential", "mean_min": 60, "rate_per_min": 0.1}),
        "patience",
        ("exactly one of mean_min or rate_per_min",),
    ),
    (
        "service-mix-shares-not-one",
        _set("agencies", 2, "services", 0, "share", value=0.5),
        "agencies[2] (bank).services",
        ("sum to 1", "0.8"),
    ),
    (
        "share-and-visitors-per-day",
        _set("agencies", 0, "visitors_per_day", value=40),
        "agencies[0] (civil-registry)",
        ("exactly one of share or visitors_per_day", "both"),
    ),
    (
        "day-type-not-in-day-types",
        _set("day", "type", value="holiday"),
        "day.type",
        ("'holiday'", "day_types", "busy", "normal"),
    ),
    (
        "invalid-weekday",
        _set("day", "weekday", value="tuesday"),
        "day.weekday",
        ("'tuesday'", "'tue'"),
    ),
    (
        "invalid-day-open",
        _set("agencies", 1, "days_open", value=["mon", "Friday"]),
        "agencies[1] (tax).days_open[1]",
        ("'Friday'", "'fri'"),
    ),
    (
        "clock-25-00",
        _set("day", "hours", "closing", value="25:00"),
        "day.hours.closing",
        ("'25:00'", "HH:MM", "23:59"),
    ),
    (
        "clock-as-number",
        _set("day", "hours", "closing", value=1500),
        "day.hours.closing",
        ("1500", "quoted", "HH:MM"),
    ),
    ("missing-name", _drop("name"), "name", ("required", "missing")),
    (
        "missing-counters",
        _drop("agencies", 1, "counters"),
        "agencies[1] (tax).counters",
        ("required", "missing"),
    ),
    ("no-agencies", _set("agencies", value=[]), "agencies", ("at least 1",)),
    (
        "replications-zero",
        _set("run", "replications", value=0),
        "run.replications",
        ("got 0", "greater than or equal to 1"),
    ),
    (
        "negative-seed",
        _set("run", "seed", value=-1),
        "run.seed",
        ("-1", "greater than or equal to 0"),
    ),
    (
        "walking-speed-outside-range",
        _set("walking", value={"normal": {"mean_mps": 0.2}}),
        "walking.normal",
        ("min_mps <= mean_mps <= max_mps", "0.2"),
    ),
]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [pytest.param(change, field, words, id=case) for case, change, field, words in BROKEN_FIELDS],
)
def test_broken_field_gives_one_clear_error(
    tmp_path: Path, change: Callable[[Data], None], field: str, words: tuple[str, ...]
) -> None:
    data = _minimal()
    change(data)
    path = _write(tmp_path, data)
    error = _error(path)
    _assert_clear(error, path, words)
    assert error.field == field
    assert str(error).startswith(f"{path}: {field}: ")


def _nested(depth: int) -> bytes:
    return b"name: deep\nday: " + b"[" * depth + b"]" * depth + b"\n"


def _nested_mapping(depth: int) -> bytes:
    return b"name: deep\nday: " + b"{a: " * depth + b"1" + b"}" * depth + b"\n"


# (case id, file bytes, words the message must hold)
BROKEN_FILES: list[tuple[str, bytes, tuple[str, ...]]] = [
    ("bad-yaml-syntax", (DATA / "bad-syntax.yaml").read_bytes(), ("not valid YAML", "line 6")),
    ("tab-indentation", b"name: x\n\tday: 1\n", ("not valid YAML", "line 2, column 1", "\\t")),
    ("empty-file", b"", ("empty",)),
    ("comment-only-file", (DATA / "empty.yaml").read_bytes(), ("empty",)),
    (
        "top-level-list",
        (DATA / "top-level-list.yaml").read_bytes(),
        ("expected a mapping", "top level", "got list"),
    ),
    ("top-level-scalar", b"just some words\n", ("expected a mapping", "got str")),
    (
        "two-documents",
        MINIMAL.read_bytes() + b"---\nname: second\n",
        ("not valid YAML", "another document"),
    ),
    (
        "duplicate-key",
        MINIMAL.read_bytes().replace(b"    counters: 1\n", b"    counters: 1\n    counters: 4\n"),
        ("'counters'", "twice", "first on line"),
    ),
    (
        "python-object-tag",
        b"name: !!python/object/apply:os.system ['echo hi']\n",
        ("not valid YAML", "line 1", "python/object"),
    ),
    ("non-utf8-bytes", "name: Kantor Pajak caf\u00e9\n".encode("latin-1"), ("UTF-8", "0xe9")),
    (
        "binary-garbage",
        bytes(range(256)) * 8,
        ("not UTF-8", "0x80"),
    ),
    ("nul-bytes", b"name: x\x00\x00\x01\n", ("binary", "NUL")),
    ("alias-bomb", (DATA / "alias-bomb.yaml").read_bytes(), ("200,000", "aliases")),
    ("deeply-nested-lists", _nested(5_000), ("nested too deeply",)),
    ("deeply-nested-mappings", _nested_mapping(5_000), ("nested too deeply",)),
]


@pytest.mark.parametrize(
    ("content", "words"),
    [pytest.param(content, words, id=case) for case, content, words in BROKEN_FILES],
)
def test_broken_file_gives_one_clear_error(
    tmp_path: Path, content: bytes, words: tuple[str, ...]
) -> None:
    path = tmp_path / "scenario.yaml"
    path.write_bytes(content)
    _assert_clear(_error(path), path, words)


def test_file_over_size_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"#" * (MAX_SCENARIO_BYTES + 1))
    _assert_clear(_error(path), path, (f"{MAX_SCENARIO_BYTES + 1:,} bytes", "at most 1,000,000"))


def test_missing_file_and_folder(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    _assert_clear(_error(missing), missing, ("no such file",))
    _assert_clear(_error(tmp_path), tmp_path, ("folder",))


def test_alias_bomb_is_refused_before_it_is_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bomb is counted on the YAML node graph; no Python object is ever built from it."""

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the alias bomb reached construction")

    monkeypatch.setattr(yaml_input.SafeYamlLoader, "construct_document", never)
    path = tmp_path / "bomb.yaml"
    path.write_bytes((DATA / "alias-bomb.yaml").read_bytes())
    tracemalloc.start()
    try:
        error = _error(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "expands to more than" in str(error)
    assert peak < 20_000_000, f"peak memory {peak:,} bytes while refusing the bomb"


def test_many_problems_are_counted_in_the_one_message(tmp_path: Path) -> None:
    data = _minimal()
    data["agencies"][0]["counters"] = -1
    data["agencies"][1]["counters"] = "two"
    path = _write(tmp_path, data)
    text = str(_error(path))
    assert "(and 1 more problem)" in text
    assert "\n" not in text


def test_parse_scenario_names_its_source() -> None:
    with pytest.raises(ScenarioError, match=r"^from-app: day: required but missing"):
        parse_scenario({k: v for k, v in _minimal().items() if k != "day"}, source="from-app")
    with pytest.raises(ScenarioError, match="empty"):
        parse_scenario(None)


# ------------------------------------------------------------------------------- valid files


def test_minimal_fixture_loads_with_clock_times_in_minutes() -> None:
    scenario = load_scenario(MINIMAL)
    hours = scenario.day.hours
    assert (hours.tickets_open, hours.service_start, hours.last_ticket, hours.closing) == (
        450.0,
        480.0,
        690.0,
        720.0,
    )
    assert hours.breaks[0].staffed_share == 0.5
    assert scenario.agency("bank").service_time.mean == pytest.approx(0.7 * 3 + 0.3 * 28 / 3)
    assert isinstance(scenario.agency("bank").service_time, Mixture)
    assert scenario.transfers[0].from_ == "tax"


def test_unquoted_clock_times_are_read_as_clock_times(tmp_path: Path) -> None:
    """Plain YAML 1.1 reads 14:30 as the base-60 number 870; scenario files do not."""
    text = (
        MINIMAL.read_text(encoding="utf-8").replace('"11:30"', "11:30").replace('"12:00"', "12:00")
    )
    path = tmp_path / "unquoted.yaml"
    path.write_text(text, encoding="utf-8")
    assert load_scenario(path) == load_scenario(MINIMAL)


def test_defaults_of_optional_fields(tmp_path: Path) -> None:
    """The defaults docs/scenarios.md promises."""
    data = {
        "name": "bare",
        "day": {
            "hours": {
                "tickets_open": "08:00",
                "service_start": "08:00",
                "last_ticket": "11:00",
                "closing": "12:00",
            }
        },
        "demand": {
            "visitors_per_day": 50,
            "arrival_profile": [{"start": "08:00", "end": "11:00", "share": 1}],
        },
        "agencies": [
            {"id": "a", "counters": 1, "share": 1, "service": {"kind": "fixed", "value_min": 5}}
        ],
    }
    scenario = load_scenario(_write(tmp_path, data))
    assert scenario.day.weekday == "tue"
    assert scenario.day.type == "normal"
    assert scenario.demand.day_types == {"normal": 1.0}
    assert scenario.priority_share == 0.10
    assert scenario.patience == Exponential(mean_min=120)
    assert scenario.front_office is None
    assert scenario.transfers == []
    assert scenario.layout is None
    agency = scenario.agencies[0]
    assert agency.days_open == ["mon", "tue", "wed", "thu", "fri"]
    assert (agency.priority_share, agency.patience, agency.daily_quota) == (None, None, None)
    assert (scenario.walking.normal.mean_mps, scenario.walking.priority.mean_mps) == (1.2, 0.9)
    assert (scenario.target.wait_min, scenario.target.share) == (15.0, 0.9)
    assert (scenario.run.replications, scenario.run.seed) == (10, 2023)
    assert scenario.day.hours.breaks == []


@pytest.mark.parametrize("path", [*SHIPPED, MINIMAL], ids=lambda p: p.name)
def test_round_trip_through_yaml_gives_an_equal_scenario(tmp_path: Path, path: Path) -> None:
    scenario = load_scenario(path)
    copy_path = tmp_path / "copy.yaml"
    copy_path.write_text(scenario_to_yaml(scenario), encoding="utf-8")
    again = load_scenario(copy_path)
    assert again == scenario
    assert scenario_to_yaml(again) == scenario_to_yaml(scenario)


def test_shipped_scenarios_are_there() -> None:
    names = {p.name for p in SHIPPED}
    assert {"normal-day.yaml", "monday.yaml", "post-holiday-surge.yaml", "friday.yaml"} <= names


def test_with_agencies_drops_agencies_rescales_and_drops_their_transfers() -> None:
    full = load_scenario(MINIMAL)
    part = full.with_agencies(["civil-registry", "bank"])
    assert [a.id for a in part.agencies] == ["civil-registry", "bank"]
    assert part.agency("civil-registry").share == pytest.approx(0.5 / 0.7)
    assert part.agency("bank").share == pytest.approx(0.2 / 0.7)
    assert part.demand.visitors_per_day == pytest.approx(120 * 0.7)
    assert part.transfers == []
    # the kept agencies expect exactly as many visitors as before
    before = {a.id: a.expected_arrivals for a in compile_plan(full).agencies}
    after = {a.id: a.expected_arrivals for a in compile_plan(part).agencies}
    for agency_id, expected in after.items():
        assert expected == pytest.approx(before[agency_id])
    # everything else is untouched
    assert part.day == full.day
    assert part.agency("bank").services == full.agency("bank").services


def test_with_agencies_keeps_transfers_between_kept_agencies() -> None:
    full = load_scenario(MINIMAL)
    part = full.with_agencies(["tax", "bank"])
    assert [(t.from_, t.to, t.share) for t in part.transfers] == [("tax", "bank", 0.5)]


def test_with_agencies_keeps_absolute_volumes(tmp_path: Path) -> None:
    data = _minimal()
    for agency, volume in zip(data["agencies"], (60, 36, 24), strict=True):
        del agency["share"]
        agency["visitors_per_day"] = volume
    full = load_scenario(_write(tmp_path, data))
    part = full.with_agencies(["tax"])
    assert part.demand.visitors_per_day == full.demand.visitors_per_day
    assert part.agency("tax").visitors_per_day == 36


def test_with_no_agencies_left_is_an_error() -> None:
    with pytest.raises(ScenarioError, match="at least one agency"):
        load_scenario(MINIMAL).with_agencies(["not-there"])


def test_relative_layout_resolves_against_the_scenario_folder(tmp_path: Path) -> None:
    data = _minimal()
    data["layout"] = "../layouts/hall.dxf"
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "hall.dxf").write_text("0\nEOF\n")
    scenario = load_scenario(_write(folder, data))
    assert Path(scenario.layout or "") == (tmp_path / "layouts" / "hall.dxf").resolve()


def test_missing_layout_names_the_scenario_file_and_field(tmp_path: Path) -> None:
    data = _minimal() | {"layout": "nowhere/hall.geojson"}
    path = _write(tmp_path, data)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: layout: ")
    assert "not found" in message


def test_absolute_layout_is_kept(tmp_path: Path) -> None:
    data = _minimal()
    target = (tmp_path / "elsewhere" / "hall.geojson").resolve()
    target.parent.mkdir()
    target.write_text('{"type": "FeatureCollection", "features": []}')
    data["layout"] = str(target)
    scenario = load_scenario(_write(tmp_path, data))
    assert scenario.layout == str(target)


def test_layout_path_is_not_resolved_by_parse_scenario() -> None:
    data = _minimal() | {"layout": "plans/hall.dxf"}
    assert parse_scenario(data).layout == "plans/hall.dxf"


def test_scenario_models_are_immutable() -> None:
    scenario = load_scenario(MINIMAL)
    with pytest.raises(ValueError, match="frozen"):
        scenario.name = "changed"  # type: ignore[misc]


def test_lognormal_given_by_median_or_mean() -> None:
    by_median = LogNormal(median_min=7, cv=0.6)
    by_mean = LogNormal(mean_min=by_median.mean, cv=0.6)
    assert by_mean.mu == pytest.approx(by_median.mu)


# ------------------------------------------------------------------------ the documentation


def _doc_examples() -> list[str]:
    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)


def test_documented_minimal_example_loads(tmp_path: Path) -> None:
    examples = [e for e in _doc_examples() if e.lstrip().startswith("name:")]
    assert examples, "docs/scenarios.md has no complete example starting with 'name:'"
    for i, example in enumerate(examples):
        path = tmp_path / f"example-{i}.yaml"
        path.write_text(example, encoding="utf-8")
        assert isinstance(load_scenario(path), Scenario)


def test_documentation_names_every_field() -> None:
    """Every field of every scenario and distribution model appears in docs/scenarios.md."""
    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    models = [
        getattr(module, name)
        for module in (scenario_module, distributions_module)
        for name in module.__all__
        if isinstance(getattr(module, name), type) and issubclass(getattr(module, name), BaseModel)
    ]
    assert len(models) > 20
    missing = set()
    for model in models:
        for name, info in model.model_fields.items():
            key = info.alias or name
            if f"`{key}`" not in text:
                missing.add(f"{model.__name__}.{key}")
        kind = model.model_fields.get("kind")
        if kind is not None and f"`{kind.default}`" not in text:
            missing.add(f"kind {kind.default}")
    assert not missing, f"undocumented fields: {sorted(missing)}"


def test_documentation_states_the_limits() -> None:
    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for name in (
        "MAX_SCENARIO_BYTES",
        "MAX_VISITORS_PER_DAY",
        "MAX_AGENCIES",
        "MAX_COUNTERS_PER_AGENCY",
        "MAX_REPLICATIONS",
    ):
        value = getattr(scenario_module, name)
        assert name in text, name
        assert f"{value:,}" in text or str(value) in text, (name, value)
