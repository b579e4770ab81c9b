"""Scenario files: what a planner writes down about one simulated day, validated strictly.

A scenario is YAML checked against the pydantic models below. Unknown keys are rejected, every
number has a sensible range, and cross-field rules (hours in order, shares summing to one,
transfers naming known agencies) are checked once here, so the engine can trust its input.
:func:`load_scenario` turns any problem into one :class:`~simulator.errors.ScenarioError` line
naming the file, the field, the value and what was expected. Every field is documented in
``docs/scenarios.md``.
"""

from __future__ import annotations

import itertools
import math
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal, Self

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from simulator.distributions import DistributionSpec, Exponential, Mixture, MixtureComponent
from simulator.errors import ScenarioError
from simulator.naming import natural_key
from simulator.yaml_input import (
    MAX_SCENARIO_BYTES,
    explain_validation_error,
    read_yaml_file,
)
from simulator.yaml_input import FieldProblem as _FieldProblem

__all__ = [
    "LAYOUT_SUFFIXES",
    "MAX_AGENCIES",
    "MAX_COUNTERS_PER_AGENCY",
    "MAX_REPLICATIONS",
    "MAX_RUN_VISITORS",
    "MAX_SCENARIO_BYTES",
    "MAX_VISITORS_PER_DAY",
    "WEEKDAYS",
    "Agency",
    "ArrivalBin",
    "Booking",
    "Break",
    "BuildingLayout",
    "CounterGroup",
    "Day",
    "Demand",
    "FloorFile",
    "FloorTimes",
    "FrontOffice",
    "Hours",
    "InfoDesk",
    "Kiosks",
    "Punctuality",
    "RunSettings",
    "Scenario",
    "StaffingPeriod",
    "Target",
    "Transfer",
    "Walking",
    "WalkingGroup",
    "check_run_size",
    "format_clock",
    "layout_relative_to",
    "load_building_layout",
    "load_scenario",
    "parse_scenario",
    "scenario_to_data",
    "scenario_to_yaml",
]

MAX_VISITORS_PER_DAY = 20_000
MAX_AGENCIES = 60
MAX_COUNTERS_PER_AGENCY = 50
MAX_REPLICATIONS = 1_000
MAX_RUN_VISITORS = 5_000_000
"""Most visitors one run may simulate (the day's visitors x replications): about two minutes
of one core at the engine's 40,000 visitors a second, so no file or upload can occupy a
machine for hours."""
LAYOUT_SUFFIXES = (".dxf", ".geojson", ".json")
"""A scenario's ``layout`` must end in one of these (so a path to any other file is refused)."""

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


def _parse_clock(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError(f"expected a clock time as a quoted string 'HH:MM', got {value!r}")
    match = _CLOCK.match(value.strip())
    if not match:
        raise ValueError(f"expected a clock time 'HH:MM' between 00:00 and 23:59, got {value!r}")
    return int(match.group(1)) * 60.0 + int(match.group(2))


def format_clock(minutes: float) -> str:
    """Minutes since midnight as ``HH:MM`` (rounded down to the minute)."""
    whole = math.floor(minutes)
    return f"{whole // 60:02d}:{whole % 60:02d}"


#: A clock time: written ``"HH:MM"`` in the file, held as minutes since midnight.
ClockTime = Annotated[float, BeforeValidator(_parse_clock)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
NoShowCallMin = Annotated[float, Field(ge=0, le=30, allow_inf_nan=False)]
"""Minutes a counter loses calling a ticket whose holder has left."""
PositiveShare = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Break(_Strict):
    """A period (e.g. midday) when only a share of each agency's counters is staffed."""

    start: ClockTime
    end: ClockTime
    staffed_share: Share = 0.5

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError(
                f"break ends at {format_clock(self.end)}, not after it starts at "
                f"{format_clock(self.start)}"
            )
        return self


class Hours(_Strict):
    """Opening hours of the day simulated."""

    tickets_open: ClockTime
    service_start: ClockTime
    last_ticket: ClockTime
    closing: ClockTime
    breaks: Annotated[list[Break], Field(max_length=10)] = []

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        order = [
            ("tickets_open", self.tickets_open),
            ("service_start", self.service_start),
            ("last_ticket", self.last_ticket),
            ("closing", self.closing),
        ]
        for (name_a, a), (name_b, b) in itertools.pairwise(order):
            if b < a:
                raise _FieldProblem(
                    (name_b,),
                    f"{name_b} {format_clock(b)} is before {name_a} {format_clock(a)}; "
                    "expected tickets_open <= service_start <= last_ticket <= closing",
                )
        if self.closing <= self.service_start:
            raise _FieldProblem(
                ("closing",),
                f"closing {format_clock(self.closing)} must be after service_start "
                f"{format_clock(self.service_start)}",
            )
        spans = sorted((b.start, b.end) for b in self.breaks)
        for (_s1, e1), (s2, _) in itertools.pairwise(spans):
            if s2 < e1:
                raise _FieldProblem(("breaks",), f"breaks overlap at {format_clock(s2)}")
        return self


class StaffingPeriod(_Strict):
    """A period when only ``counters`` of an agency's counters are staffed (breaks, a shift)."""

    start: ClockTime
    end: ClockTime
    counters: Annotated[int, Field(ge=0, le=MAX_COUNTERS_PER_AGENCY, strict=True)]

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError(
                f"staffing period ends at {format_clock(self.end)}, not after it starts at "
                f"{format_clock(self.start)}"
            )
        return self


class Day(_Strict):
    """Which day is simulated: weekday (decides which agencies open) and day type."""

    weekday: Weekday = "tue"
    type: Annotated[str, Field(min_length=1, max_length=40)] = "normal"
    hours: Hours


class ArrivalBin(_Strict):
    """Share of the day's visitors arriving between ``start`` and ``end`` (uniformly)."""

    start: ClockTime
    end: ClockTime
    share: Share

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise ValueError(
                f"arrival bin ends at {format_clock(self.end)}, not after its start "
                f"{format_clock(self.start)}"
            )
        return self


DayTypes = Annotated[
    dict[str, Annotated[float, Field(gt=0, le=10, allow_inf_nan=False)]],
    Field(min_length=1, max_length=20),
]
"""Day type -> multiplier of the visitor volume."""


class Demand(_Strict):
    """How many visitors come and when."""

    visitors_per_day: Annotated[float, Field(gt=0, le=MAX_VISITORS_PER_DAY, allow_inf_nan=False)]
    day_types: DayTypes = {"normal": 1.0}
    arrival_profile: Annotated[list[ArrivalBin], Field(min_length=1, max_length=500)]

    @model_validator(mode="after")
    def _profile(self) -> Self:
        _check_profile(self.arrival_profile)
        return self


def _check_profile(profile: list[ArrivalBin]) -> None:
    """Shares of an arrival profile sum to one and its bins do not overlap."""
    total = sum(b.share for b in profile)
    if abs(total - 1.0) > 1e-3:
        raise _FieldProblem(
            ("arrival_profile",), f"arrival_profile shares must sum to 1, got {total:.4g}"
        )
    spans = sorted((b.start, b.end) for b in profile)
    for (_, e1), (s2, _) in itertools.pairwise(spans):
        if s2 < e1:
            raise _FieldProblem(
                ("arrival_profile",), f"arrival_profile bins overlap at {format_clock(s2)}"
            )


class Punctuality(_Strict):
    """When booked visitors arrive, relative to the start of their slot: normally distributed
    minutes (negative: early)."""

    mean_min: Annotated[float, Field(ge=-120, le=120, allow_inf_nan=False)] = 0.0
    sd_min: Annotated[float, Field(ge=0, le=120, allow_inf_nan=False)] = 0.0


class Booking(_Strict):
    """Online booking of an agency: a share of its visitors book a slot beforehand."""

    share: Share
    slot_min: Annotated[float, Field(gt=0, le=240, allow_inf_nan=False)] = 15.0
    per_slot: Annotated[int, Field(ge=1, le=100, strict=True)] = 1
    from_: Annotated[ClockTime, Field(alias="from")]
    to: ClockTime
    no_show: Share = 0.0
    punctuality: Punctuality = Punctuality()
    grace_min: Annotated[float, Field(ge=0, le=240, allow_inf_nan=False)] = 15.0
    late_policy: Literal["walk_in", "refused"] = "walk_in"
    priority_over_walk_in: bool = True
    reserved_counters: Annotated[int, Field(ge=0, le=MAX_COUNTERS_PER_AGENCY, strict=True)] = 0

    @model_validator(mode="after")
    def _slots(self) -> Self:
        if self.to - self.from_ < self.slot_min:
            raise ValueError(
                f"booking from {format_clock(self.from_)} to {format_clock(self.to)} holds no "
                f"whole slot of {self.slot_min:g} minutes"
            )
        return self

    @property
    def slot_starts(self) -> list[float]:
        """Start of every slot offered (minutes since midnight)."""
        count = int((self.to - self.from_ + 1e-9) // self.slot_min)
        return [self.from_ + k * self.slot_min for k in range(count)]

    @property
    def capacity(self) -> int:
        """Bookings the slots can take in a day."""
        return len(self.slot_starts) * self.per_slot


class Agency(_Strict):
    """One agency (tenant) of the service hall and its counters."""

    id: Annotated[str, Field(min_length=1, max_length=40)]
    name_id: Annotated[str, Field(max_length=200)] = ""
    name_en: Annotated[str, Field(max_length=200)] = ""
    cluster: Annotated[str, Field(max_length=60)] = ""
    counters: Annotated[int, Field(ge=0, le=MAX_COUNTERS_PER_AGENCY, strict=True)]
    share: PositiveShare | None = None
    visitors_per_day: (
        Annotated[float, Field(ge=0, le=MAX_VISITORS_PER_DAY, allow_inf_nan=False)] | None
    ) = None
    daily_quota: Annotated[int, Field(ge=1, le=MAX_VISITORS_PER_DAY, strict=True)] | None = None
    walk_in_quota: Annotated[int, Field(ge=0, le=MAX_VISITORS_PER_DAY, strict=True)] | None = None
    booking: Booking | None = None
    days_open: Annotated[list[Weekday], Field(min_length=1, max_length=7)] = [
        "mon",
        "tue",
        "wed",
        "thu",
        "fri",
    ]
    service: DistributionSpec | None = None
    services: Annotated[list[MixtureComponent], Field(min_length=1, max_length=100)] | None = None
    priority_share: Share | None = None
    patience: DistributionSpec | None = None
    slots: Annotated[list[str], Field(max_length=MAX_COUNTERS_PER_AGENCY)] | None = None
    arrival_profile: Annotated[list[ArrivalBin], Field(min_length=1, max_length=500)] | None = None
    day_types: DayTypes | None = None
    no_show_call_min: NoShowCallMin | None = None
    staffing: Annotated[list[StaffingPeriod], Field(max_length=100)] | None = None

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                f"agency id {value!r} must be lower-case letters, digits, '-' or '_' "
                "(at most 40 characters)"
            )
        return value

    @model_validator(mode="after")
    def _one_volume_one_service(self) -> Self:
        if (self.share is None) == (self.visitors_per_day is None):
            found = "neither" if self.share is None else "both"
            raise ValueError(
                f"agency {self.id!r}: give exactly one of share or visitors_per_day, got {found}"
            )
        if (self.service is None) == (self.services is None):
            found = "neither" if self.service is None else "both"
            raise ValueError(
                f"agency {self.id!r}: give exactly one of service (a distribution) or "
                f"services (a mix of services with shares), got {found}"
            )
        if self.arrival_profile is not None:
            _check_profile(self.arrival_profile)
        if self.booking is not None and self.booking.reserved_counters > self.counters:
            raise _FieldProblem(
                ("booking", "reserved_counters"),
                f"agency {self.id!r} reserves {self.booking.reserved_counters} counters for "
                f"bookings but has only {self.counters}",
            )
        periods = sorted(self.staffing or [], key=lambda p: p.start)
        for i, period in enumerate(periods):
            if period.counters > self.counters:
                raise _FieldProblem(
                    ("staffing", i, "counters"),
                    f"agency {self.id!r} staffs {period.counters} counters from "
                    f"{format_clock(period.start)} but has only {self.counters}",
                )
        for a, b in itertools.pairwise(periods):
            if b.start < a.end:
                raise _FieldProblem(
                    ("staffing",),
                    f"agency {self.id!r}: staffing periods overlap at {format_clock(b.start)}",
                )
        if self.services is not None:
            try:
                Mixture(components=self.services)
            except ValidationError as exc:
                message = str(exc.errors()[0]["msg"]).removeprefix("Value error, ")
                raise _FieldProblem(("services",), message) from None
        return self

    @property
    def service_time(self) -> DistributionSpec:
        """The service-time distribution, a mixture when the agency lists several services."""
        if self.service is not None:
            return self.service
        return Mixture(components=self.services or [])


class InfoDesk(_Strict):
    """The information desk (front office) some visitors ask at before taking a ticket."""

    staff: Annotated[int, Field(ge=1, le=50, strict=True)]
    share: Share
    service: DistributionSpec


class Kiosks(_Strict):
    """Queue-ticket machines everyone uses."""

    count: Annotated[int, Field(ge=1, le=50, strict=True)]
    service: DistributionSpec


class FrontOffice(_Strict):
    """Information desk and ticket kiosks; omit for a pure queueing model."""

    info_desk: InfoDesk | None = None
    kiosks: Kiosks | None = None


class Transfer(_Strict):
    """Share of one agency's served visitors who go on to a second agency (new ticket)."""

    from_: Annotated[str, Field(alias="from")]
    to: str
    share: PositiveShare


class WalkingGroup(_Strict):
    """Walking speeds of a visitor group: normal, truncated to [min_mps, max_mps]."""

    mean_mps: Annotated[float, Field(gt=0, le=3, allow_inf_nan=False)]
    sd_mps: Annotated[float, Field(ge=0, le=2, allow_inf_nan=False)] = 0.0
    min_mps: Annotated[float, Field(gt=0, le=3, allow_inf_nan=False)] = 0.3
    max_mps: Annotated[float, Field(gt=0, le=5, allow_inf_nan=False)] = 2.5

    @model_validator(mode="after")
    def _range(self) -> Self:
        if not self.min_mps <= self.mean_mps <= self.max_mps:
            raise ValueError(
                f"need min_mps <= mean_mps <= max_mps, got {self.min_mps}, {self.mean_mps}, "
                f"{self.max_mps}"
            )
        return self


Minutes = Annotated[float, Field(ge=0, le=30, allow_inf_nan=False)]


class FloorTimes(_Strict):
    """Minutes to change floors in a building: per storey by stair (up, down), and by lift its
    waiting time plus its ride per storey."""

    stair_up_min: Minutes = 0.5
    stair_down_min: Minutes = 0.4
    lift_wait_min: Minutes = 1.0
    lift_min_per_floor: Minutes = 0.1


class Walking(_Strict):
    """Walking speeds per visitor group, and the time to change floors in a building."""

    normal: WalkingGroup = WalkingGroup(mean_mps=1.2, sd_mps=0.2, min_mps=0.5, max_mps=2.0)
    priority: WalkingGroup = WalkingGroup(mean_mps=0.9, sd_mps=0.2, min_mps=0.5, max_mps=2.0)
    floors: FloorTimes = FloorTimes()


LayoutFile = Annotated[str, Field(min_length=1, max_length=500)]


def _plan_file(value: str) -> str:
    if not value.lower().endswith(LAYOUT_SUFFIXES):
        raise ValueError(
            f"layout {value!r} is not a floor-plan file; expected a path ending in "
            f"{', '.join(LAYOUT_SUFFIXES)}"
        )
    return value


class FloorFile(_Strict):
    """One floor of a building: its level (0 is the ground floor) and its floor-plan file."""

    level: Annotated[int, Field(ge=-5, le=100, strict=True)]
    file: LayoutFile

    @field_validator("file")
    @classmethod
    def _is_a_plan(cls, value: str) -> str:
        return _plan_file(value)


class BuildingLayout(_Strict):
    """A building of several floors, one floor-plan file each, joined by stairs and lifts."""

    floors: Annotated[list[FloorFile], Field(min_length=1, max_length=20)]

    @model_validator(mode="after")
    def _levels_unique(self) -> Self:
        seen: dict[int, int] = {}
        for i, floor in enumerate(self.floors):
            if floor.level in seen:
                raise _FieldProblem(
                    ("floors", i, "level"),
                    f"level {floor.level} is given twice (also floors[{seen[floor.level]}])",
                )
            seen[floor.level] = i
        return self


class Target(_Strict):
    """The service target: ``share`` of visitors called within ``wait_min`` of their ticket.

    ``counted_from: service_start`` counts a ticket taken before the counters open from the
    opening instead (the queue at the door is then not held against the counters).
    """

    wait_min: Annotated[float, Field(gt=0, le=600, allow_inf_nan=False)] = 15.0
    share: PositiveShare = 0.9
    counted_from: Literal["ticket", "service_start"] = "ticket"


class RunSettings(_Strict):
    """How many replications to run, the seed they derive from, and the warm-up left out.

    ``warmup_min``: tickets taken in the first ``warmup_min`` minutes after ``tickets_open`` are
    simulated but left out of every KPI (steady-state studies; 0 for a real day).
    """

    replications: Annotated[int, Field(ge=1, le=MAX_REPLICATIONS, strict=True)] = 10
    seed: Annotated[int, Field(ge=0, lt=2**63, strict=True)] = 2023
    warmup_min: Annotated[float, Field(ge=0, le=1440, allow_inf_nan=False)] = 0.0


class CounterGroup(_Strict):
    """Counters shared by several agencies (the front-office idea of an MPP): one queue, each
    visitor served in their own agency's service time. Its agencies have ``counters: 0``."""

    id: Annotated[str, Field(min_length=1, max_length=40)]
    name_id: Annotated[str, Field(max_length=200)] = ""
    name_en: Annotated[str, Field(max_length=200)] = ""
    agencies: Annotated[list[str], Field(min_length=2, max_length=MAX_AGENCIES)]
    counters: Annotated[int, Field(ge=1, le=MAX_COUNTERS_PER_AGENCY, strict=True)]
    staffing: Annotated[list[StaffingPeriod], Field(max_length=100)] | None = None
    no_show_call_min: NoShowCallMin | None = None

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                f"counter group id {value!r} must be lower-case letters, digits, '-' or '_' "
                "(at most 40 characters)"
            )
        return value

    @model_validator(mode="after")
    def _staffing_fits(self) -> Self:
        for i, period in enumerate(self.staffing or []):
            if period.counters > self.counters:
                raise _FieldProblem(
                    ("staffing", i, "counters"),
                    f"counter group {self.id!r} staffs {period.counters} counters from "
                    f"{format_clock(period.start)} but has only {self.counters}",
                )
        return self


class Scenario(_Strict):
    """One simulated day at the service hall."""

    name: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=5000)] = ""
    layout: Annotated[str, Field(max_length=500)] | BuildingLayout | None = None
    day: Day
    demand: Demand
    priority_share: Share = 0.10
    patience: DistributionSpec = Exponential(mean_min=120)
    no_show_call_min: NoShowCallMin = 0.5
    front_office: FrontOffice | None = None
    agencies: Annotated[list[Agency], Field(min_length=1, max_length=MAX_AGENCIES)]
    counter_groups: Annotated[list[CounterGroup], Field(max_length=MAX_AGENCIES)] = []
    placement: Annotated[dict[str, str], Field(max_length=2_000)] = {}
    zones: Annotated[dict[str, str], Field(max_length=MAX_AGENCIES)] = {}
    transfers: Annotated[list[Transfer], Field(max_length=500)] = []
    walking: Walking = Walking()
    target: Target = Target()
    run: RunSettings = RunSettings()

    @field_validator("layout", mode="before")
    @classmethod
    def _building_or_file(cls, value: Any) -> Any:
        """A mapping is a building: validated as one, so its errors name its own fields."""
        if not isinstance(value, dict):
            return value
        try:
            return BuildingLayout.model_validate(value)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            loc = tuple(first["loc"])
            context = first.get("ctx") or {}
            if isinstance(context.get("error"), _FieldProblem):
                loc += context["error"].loc
            message = str(first["msg"]).removeprefix("Value error, ")
            if first["type"] == "extra_forbidden":
                message = "unknown key; a building layout has 'floors' with 'level' and 'file'"
            elif first["type"] == "missing":
                message = "required but missing"
            raise _FieldProblem(loc, message) from None

    @field_validator("layout")
    @classmethod
    def _layout_is_a_plan(cls, value: str | BuildingLayout | None) -> str | BuildingLayout | None:
        if isinstance(value, str):
            return _plan_file(value)
        return value

    def layout_files(self) -> tuple[str, ...]:
        """Every floor-plan file of the layout: one for a floor plan, one per floor (bottom
        up) for a building, none without a layout."""
        return tuple(self.layout_levels().values())

    def layout_levels(self) -> dict[int, str]:
        """Level -> floor-plan file, bottom up (a single floor plan is level 0)."""
        if self.layout is None:
            return {}
        if isinstance(self.layout, str):
            return {0: self.layout}
        return {f.level: f.file for f in sorted(self.layout.floors, key=lambda f: f.level)}

    @model_validator(mode="after")
    def _cross_checks(self) -> Self:
        if self.day.type not in self.demand.day_types:
            raise _FieldProblem(
                ("day", "type"),
                f"day type {self.day.type!r} is not one of demand.day_types "
                f"{sorted(self.demand.day_types)}",
            )
        seen = self._check_agency_ids()
        self._check_counter_groups(seen)
        self._check_volume()
        self._check_transfers(seen)
        self._check_slots()
        return self

    def _check_agency_ids(self) -> dict[str, int]:
        """Agency ids are unique; returns each id's position."""
        seen: dict[str, int] = {}
        for i, agency in enumerate(self.agencies):
            if agency.id in seen:
                raise _FieldProblem(
                    ("agencies", i, "id"),
                    f"agency id {agency.id!r} appears twice (also agencies[{seen[agency.id]}])",
                )
            seen[agency.id] = i
        return seen

    def _check_volume(self) -> None:
        """Day types the agencies name exist; the day and the run are not too large; shares
        of the day's visitors sum to one."""
        for i, agency in enumerate(self.agencies):
            unknown = sorted(set(agency.day_types or {}) - set(self.demand.day_types))
            if unknown:
                raise _FieldProblem(
                    ("agencies", i, "day_types"),
                    f"day type {unknown[0]!r} is not one of demand.day_types "
                    f"{sorted(self.demand.day_types)}",
                )
        visitors = self.expected_visitors
        if visitors > MAX_VISITORS_PER_DAY:
            raise _FieldProblem(
                ("demand", "visitors_per_day"),
                f"the day would bring about {visitors:,.0f} visitors (day type "
                f"{self.day.type!r} multiplies by {self.day_multiplier:g}); at most "
                f"{MAX_VISITORS_PER_DAY:,} a day are simulated",
            )
        if visitors * self.run.replications > MAX_RUN_VISITORS:
            raise _FieldProblem(("run", "replications"), _run_too_long(self, self.run.replications))
        shares = [a.share for a in self.agencies if a.share is not None]
        if shares and abs(sum(shares) - 1.0) > 1e-3:
            raise _FieldProblem(
                ("agencies",),
                f"agency shares of visitors must sum to 1, got {sum(shares):.4g} "
                f"over {len(shares)} agencies",
            )

    def _check_transfers(self, seen: dict[str, int]) -> None:
        """Transfers join two known, different agencies; no more than all of an agency's
        visitors leave it."""
        outgoing: dict[str, float] = {}
        for i, transfer in enumerate(self.transfers):
            for end, agency_id in (("from", transfer.from_), ("to", transfer.to)):
                if agency_id not in seen:
                    raise _FieldProblem(
                        ("transfers", i, end),
                        f"unknown agency {agency_id!r}; known agencies: "
                        f"{', '.join(list(seen)[:30])}",
                    )
            if transfer.from_ == transfer.to:
                raise _FieldProblem(
                    ("transfers", i, "to"),
                    f"agency {transfer.to!r} cannot transfer to itself",
                )
            outgoing[transfer.from_] = outgoing.get(transfer.from_, 0.0) + transfer.share
        for agency_id, total in outgoing.items():
            if total > 1 + 1e-9:
                raise _FieldProblem(
                    ("transfers",),
                    f"transfer shares from {agency_id!r} add up to {total:g}, more than 1",
                )

    def _check_slots(self) -> None:
        """No slot is given to two agencies; the placement and the zones name agencies or
        counter groups with counters, and an agency is placed one way only."""
        slots: dict[str, str] = {}
        for i, agency in enumerate(self.agencies):
            for slot in agency.slots or []:
                if slot in slots:
                    raise _FieldProblem(
                        ("agencies", i, "slots"),
                        f"slot {slot!r} given to both {slots[slot]!r} and {agency.id!r}",
                    )
                slots[slot] = agency.id
        queues = self.queue_counters()
        for slot, owner in self.placement.items():
            if owner not in queues:
                raise _FieldProblem(
                    ("placement", slot),
                    f"{owner!r} is not an agency with counters or a counter group; "
                    f"expected one of {', '.join(list(queues)[:30])}",
                )
        for slot, owner in self.placement.items():
            if slot in slots:
                raise _FieldProblem(
                    ("placement", slot),
                    f"slot {slot!r} is also in agency {slots[slot]!r}'s slots; place it one way",
                )
            if any(a.id == owner and a.slots for a in self.agencies):
                raise _FieldProblem(
                    ("placement", slot),
                    f"agency {owner!r} has its own slots; give its slots either there or in "
                    "placement",
                )
        for owner in self.zones:
            if owner not in queues and owner not in {a.id for a in self.agencies}:
                raise _FieldProblem(
                    ("zones", owner),
                    f"unknown agency or counter group {owner!r}; expected one of "
                    f"{', '.join(list(queues)[:30])}",
                )

    def queue_slots(self) -> dict[str, tuple[str, ...]]:
        """Slots placed per agency or counter group (``agencies[].slots`` and ``placement``),
        in counter order."""
        out = {a.id: tuple(a.slots) for a in self.agencies if a.slots}
        placed: dict[str, list[str]] = {}
        for slot, owner in self.placement.items():
            placed.setdefault(owner, []).append(slot)
        out |= {owner: tuple(sorted(s, key=natural_key)) for owner, s in placed.items()}
        return out

    def queue_of(self, agency_id: str) -> str:
        """The queue an agency's visitors join: its counter group's id, or its own."""
        group = self.group_of(agency_id)
        return group.id if group is not None else agency_id

    def _check_counter_groups(self, agency_index: dict[str, int]) -> None:
        grouped: dict[str, str] = {}
        for g, group in enumerate(self.counter_groups):
            if group.id in agency_index or any(
                other.id == group.id for other in self.counter_groups[:g]
            ):
                raise _FieldProblem(
                    ("counter_groups", g, "id"),
                    f"counter group id {group.id!r} is already the id of an agency or group",
                )
            for member in group.agencies:
                if member not in agency_index:
                    raise _FieldProblem(
                        ("counter_groups", g, "agencies"),
                        f"unknown agency {member!r}; known agencies: "
                        f"{', '.join(list(agency_index)[:30])}",
                    )
                if member in grouped:
                    raise _FieldProblem(
                        ("counter_groups", g, "agencies"),
                        f"agency {member!r} is in two counter groups: {grouped[member]!r} and "
                        f"{group.id!r}",
                    )
                grouped[member] = group.id
        for i, agency in enumerate(self.agencies):
            group_id = grouped.get(agency.id)
            if group_id is not None and agency.counters:
                raise _FieldProblem(
                    ("agencies", i, "counters"),
                    f"agency {agency.id!r} is served by counter group {group_id!r}; set its "
                    f"counters to 0 (got {agency.counters})",
                )
            if group_id is not None and agency.staffing is not None:
                raise _FieldProblem(
                    ("agencies", i, "staffing"),
                    f"agency {agency.id!r} is served by counter group {group_id!r}; give the "
                    "group its staffing instead",
                )
            if group_id is None and agency.counters == 0:
                raise _FieldProblem(
                    ("agencies", i, "counters"),
                    f"agency {agency.id!r} has no counters and is in no counter group; give it "
                    "counters (1 or more) or list it in counter_groups",
                )

    def group_of(self, agency_id: str) -> CounterGroup | None:
        """The counter group serving ``agency_id``, if any."""
        return next((g for g in self.counter_groups if agency_id in g.agencies), None)

    def queue_counters(self) -> dict[str, int]:
        """Counters per queue: each agency with its own counters, then each counter group."""
        own = {a.id: a.counters for a in self.agencies if self.group_of(a.id) is None}
        return own | {g.id: g.counters for g in self.counter_groups}

    @property
    def total_counters(self) -> int:
        """Counters in the hall: the agencies' own plus the shared ones."""
        return sum(self.queue_counters().values())

    @property
    def day_multiplier(self) -> float:
        """Visitor-volume multiplier of the simulated day type."""
        return self.demand.day_types[self.day.type]

    @property
    def expected_visitors(self) -> float:
        """Expected first visits on the simulated day, over every agency (day type applied)."""
        return sum(self.agency_volume(a) for a in self.agencies)

    def agency_multiplier(self, agency: Agency) -> float:
        """Volume multiplier of the simulated day type for ``agency`` (its own, or the day's)."""
        if agency.day_types is not None and self.day.type in agency.day_types:
            return agency.day_types[self.day.type]
        return self.day_multiplier

    def agency_volume(self, agency: Agency) -> float:
        """Expected first visits to ``agency`` on the simulated day (day type applied)."""
        if agency.share is not None:
            base = self.demand.visitors_per_day * agency.share
        else:
            base = agency.visitors_per_day or 0.0
        return base * self.agency_multiplier(agency)

    def agency(self, agency_id: str) -> Agency:
        """The agency with id ``agency_id``."""
        for agency in self.agencies:
            if agency.id == agency_id:
                return agency
        raise KeyError(agency_id)

    def with_agencies(self, agency_ids: Iterable[str]) -> Scenario:
        """The same scenario with only the given agencies.

        Visitors of the agencies left out do not come: the day's volume shrinks by their share
        and the remaining shares are rescaled to sum to one. Transfers to or from them go.
        """
        keep = set(agency_ids)
        kept = [a for a in self.agencies if a.id in keep]
        if not kept:
            raise ScenarioError("at least one agency must take part", field="agencies")
        share_total = sum(a.share for a in kept if a.share is not None)
        data = scenario_to_data(self)
        data["agencies"] = [
            a | ({"share": a["share"] / share_total} if "share" in a else {})
            for a in data["agencies"]
            if a["id"] in keep
        ]
        if share_total > 0:
            data["demand"]["visitors_per_day"] = self.demand.visitors_per_day * share_total
        data["transfers"] = [
            t for t in data.get("transfers", []) if t["from"] in keep and t["to"] in keep
        ]
        groups = []
        for group in data.get("counter_groups", []):
            members = [m for m in group["agencies"] if m in keep]
            if len(members) >= 2:
                groups.append(group | {"agencies": members})
            elif members:  # one member left: it keeps the group's counters as its own
                alone = next(a for a in data["agencies"] if a["id"] == members[0])
                alone["counters"] = group["counters"]
                if "staffing" in group:
                    alone["staffing"] = group["staffing"]
        data["counter_groups"] = groups
        return Scenario.model_validate(data)


def _run_too_long(scenario: Scenario, replications: int) -> str:
    visitors = scenario.expected_visitors
    most = max(1, int(MAX_RUN_VISITORS // max(visitors, 1.0)))
    return (
        f"{replications} replications of about {visitors:,.0f} visitors would simulate "
        f"{visitors * replications:,.0f} visitors; at most {MAX_RUN_VISITORS:,} per run, so at "
        f"most {most} replications of this day"
    )


def check_run_size(scenario: Scenario, replications: int) -> None:
    """Refuse a run of ``replications`` days that would simulate more than
    :data:`MAX_RUN_VISITORS` visitors (e.g. ``--replications`` overriding the file's)."""
    if not 1 <= replications <= MAX_REPLICATIONS:
        raise ScenarioError(
            f"got {replications}: expected 1 to {MAX_REPLICATIONS} replications",
            field="replications",
        )
    if scenario.expected_visitors * replications > MAX_RUN_VISITORS:
        raise ScenarioError(_run_too_long(scenario, replications), field="replications")


def parse_scenario(data: Any, *, source: str = "<scenario>") -> Scenario:
    """Validate already-parsed data (a mapping) as a scenario."""
    if data is None:
        raise ScenarioError("the file is empty; expected a scenario mapping", file=source)
    if not isinstance(data, dict):
        raise ScenarioError(
            f"expected a mapping of scenario fields at the top level, got {type(data).__name__}",
            file=source,
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise explain_validation_error(exc, data, source) from None
    except RecursionError:
        raise ScenarioError("the scenario is nested too deeply", file=source) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file; a relative ``layout`` is resolved against its folder."""
    path = Path(path)
    source = str(path)
    data, _ = read_yaml_file(path)
    scenario = parse_scenario(data, source=source)
    if isinstance(scenario.layout, str):
        return scenario.model_copy(
            update={"layout": _resolve_plan(path, scenario.layout, source, "layout")}
        )
    if isinstance(scenario.layout, BuildingLayout):
        floors = [
            FloorFile(
                level=f.level,
                file=_resolve_plan(path, f.file, source, f"layout.floors[{i}].file"),
            )
            for i, f in enumerate(scenario.layout.floors)
        ]
        return scenario.model_copy(update={"layout": BuildingLayout(floors=floors)})
    return scenario


def load_building_layout(path: str | Path) -> BuildingLayout:
    """Read a building file: YAML with ``floors: [{level, file}, ...]``, as a scenario's
    ``layout`` of several floors; each file is resolved against the building file's folder."""
    path = Path(path)
    source = str(path)
    data, _ = read_yaml_file(path, kind="building")
    if not isinstance(data, dict):
        raise ScenarioError(
            "expected a mapping with 'floors: [{level, file}, ...]' at the top level", file=source
        )
    try:
        building = BuildingLayout.model_validate(data)
    except ValidationError as exc:
        raise explain_validation_error(
            exc,
            data,
            source,
            unknown_key_hint="a building file has 'floors' with 'level' and 'file'",
        ) from None
    floors = [
        FloorFile(level=f.level, file=_resolve_plan(path, f.file, source, f"floors[{i}].file"))
        for i, f in enumerate(building.floors)
    ]
    return BuildingLayout(floors=floors)


def _resolve_plan(scenario_path: Path, file: str, source: str, field: str) -> str:
    """A floor-plan file named in a scenario, resolved against the scenario's folder."""
    layout = (scenario_path.parent / file).resolve()
    if not layout.is_file():
        raise ScenarioError(
            f"floor-plan file {file!r} not found (looked for {layout})", file=source, field=field
        )
    return str(layout)


def layout_relative_to(scenario: Scenario, folder: str | Path) -> Scenario:
    """The same scenario with its floor-plan paths as a file in ``folder`` must name them to
    find them (:func:`load_scenario` resolves them against the file's folder): relative to
    ``folder`` when the two share a folder below the root (a project moved as a whole keeps
    working), else absolute. Relative paths in ``scenario`` are taken from the working
    folder."""
    base = os.path.abspath(folder)

    def rel(file: str) -> str:
        path = os.path.abspath(file)
        try:
            shared = os.path.commonpath([path, base])
        except ValueError:  # another drive
            return path
        if shared == os.path.dirname(shared):  # only the root in common
            return path
        return os.path.relpath(path, base)

    if isinstance(scenario.layout, str):
        return scenario.model_copy(update={"layout": rel(scenario.layout)})
    if isinstance(scenario.layout, BuildingLayout):
        floors = [FloorFile(level=f.level, file=rel(f.file)) for f in scenario.layout.floors]
        return scenario.model_copy(update={"layout": BuildingLayout(floors=floors)})
    return scenario


def scenario_to_yaml(scenario: Scenario) -> str:
    """The scenario as YAML text that :func:`load_scenario` reads back to the same scenario."""
    return yaml.safe_dump(scenario_to_data(scenario), sort_keys=False, allow_unicode=True)


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """The scenario as the plain data of a file (clock times as ``HH:MM``), valid input again."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["day"]["hours"] = _clock_fields(data["day"]["hours"])
    profile = data["demand"]["arrival_profile"]
    data["demand"]["arrival_profile"] = [_clock_fields(b) for b in profile]
    for owner in (*data["agencies"], *data.get("counter_groups", [])):
        for key in ("staffing", "arrival_profile"):
            if key in owner:
                owner[key] = [_clock_fields(p) for p in owner[key]]
        if "booking" in owner:
            booking = owner["booking"]
            owner["booking"] = booking | {k: format_clock(booking[k]) for k in ("from", "to")}
    return data


def _clock_fields(mapping: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        if key in {"tickets_open", "service_start", "last_ticket", "closing", "start", "end"}:
            out[key] = format_clock(value)
        elif key == "breaks":
            out[key] = [_clock_fields(b) for b in value]
        else:
            out[key] = value
    return out
