"""Writes the default scenario files from ``reference/agencies.csv`` and the planning defaults.

Run it after changing the reference data: ``python scenarios/build_defaults.py``. The YAML files
it writes are the ones shipped and tested; edit those by hand for one-off variants.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).parent
DAYS = {"Mon-Fri": ["mon", "tue", "wed", "thu", "fri"], "Thu": ["thu"]}
VISITORS_PER_DAY = 450
DAY_TYPES = {"normal": 1.0, "monday": 1.4, "post-holiday-surge": 2.5, "friday": 0.7}
MON_THU_HOURS = {
    "tickets_open": "07:30",
    "service_start": "08:00",
    "last_ticket": "14:30",
    "closing": "15:00",
    "breaks": [{"start": "12:00", "end": "13:00", "staffed_share": 0.5}],
}
FRIDAY_HOURS = {
    "tickets_open": "07:30",
    "service_start": "08:00",
    "last_ticket": "11:00",
    "closing": "11:30",
    "breaks": [],
}
MON_THU_PROFILE = [
    ("07:30", "08:00", 0.10),
    ("08:00", "09:00", 0.22),
    ("09:00", "10:00", 0.20),
    ("10:00", "11:00", 0.16),
    ("11:00", "12:00", 0.12),
    ("12:00", "13:00", 0.08),
    ("13:00", "14:00", 0.08),
    ("14:00", "14:30", 0.04),
]
FRIDAY_PROFILE = [
    ("07:30", "08:00", 0.12),
    ("08:00", "09:00", 0.33),
    ("09:00", "10:00", 0.30),
    ("10:00", "11:00", 0.25),
]
FLOOR_TIMES = {
    "stair_up_min": 0.5,
    "stair_down_min": 0.4,
    "lift_wait_min": 1.0,
    "lift_min_per_floor": 0.1,
}
"""Minutes to change floors (a storey of about 4 m): per storey by stair, lift wait and ride."""
TRANSFERS = [
    ("bapenda", "bank-jateng", 0.5),
    ("kantah", "bapenda", 0.3),
    ("polres-skck", "bank-jateng", 0.3),
    ("disdukcapil", "bpjs-kesehatan", 0.05),
    ("dpmptsp", "bapenda", 0.1),
]


def bookings() -> dict[str, dict[str, Any]]:
    """Online booking of the agencies that book (``reference/bookings.csv``): per agency id, its
    ``booking`` mapping and, when it has one, its ``walk_in_quota``."""
    out = {}
    with (HERE / "reference" / "bookings.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            entry: dict[str, Any] = {}
            if row["walk_in_quota"]:
                entry["walk_in_quota"] = int(row["walk_in_quota"])
            entry["booking"] = {
                "share": float(row["share"]),
                "slot_min": float(row["slot_min"]),
                "per_slot": int(row["per_slot"]),
                "from": row["from"],
                "to": row["to"],
                "no_show": float(row["no_show"]),
                "punctuality": {
                    "mean_min": float(row["punctuality_mean_min"]),
                    "sd_min": float(row["punctuality_sd_min"]),
                },
                "grace_min": float(row["grace_min"]),
                "late_policy": row["late_policy"],
                "priority_over_walk_in": row["priority_over_walk_in"] == "true",
                "reserved_counters": int(row["reserved_counters"]),
            }
            out[row["id"]] = entry
    return out


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _places(booking: dict[str, Any]) -> int:
    """Places the booking's slots offer in a day."""
    slots = (_minutes(booking["to"]) - _minutes(booking["from"])) // booking["slot_min"]
    return int(slots) * booking["per_slot"]


def same_visitors(booking: dict[str, Any], visitors: float) -> float:
    """The factor on an agency's volume that keeps ``visitors`` coming once some book and do
    not show up: its volume counts booking requests, no-shows included. Requests beyond the
    slots' places come as walk-ins, so only booked places lose their no-shows."""
    share, no_show, places = booking["share"], booking["no_show"], _places(booking)
    volume = visitors / (1.0 - share * no_show)
    if share * volume > places:
        volume = visitors + places * no_show
    return volume / visitors


def agencies(*, booking: bool = False, day_type: str = "normal") -> list[dict[str, Any]]:
    """The 23 candidate agencies with their planning defaults; with ``booking``, those listed in
    ``reference/bookings.csv`` book part of their visitors online, and their volume on
    ``day_type`` is raised so that as many visitors come as without booking."""
    booked = bookings() if booking else {}
    out = []
    with (HERE / "reference" / "agencies.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            agency: dict[str, Any] = {
                "id": row["id"],
                "name_id": row["name_id"],
                "name_en": row["name_en"],
                "cluster": row["cluster"],
                "counters": int(row["counters_default"]),
                "share": float(row["share_of_visitors"]),
            }
            if row["daily_quota"]:
                agency["daily_quota"] = int(row["daily_quota"])
            if row["id"] in booked:
                entry = booked[row["id"]]
                multiplier = DAY_TYPES[day_type]
                visitors = VISITORS_PER_DAY * multiplier * agency["share"]
                factor = same_visitors(entry["booking"], visitors)
                agency["day_types"] = {day_type: round(multiplier * factor, 4)}
                agency |= entry
            agency["days_open"] = DAYS[row["days_open"]]
            agency["service"] = {
                "kind": "lognormal",
                "median_min": float(row["service_median_min"]),
                "cv": float(row["service_cv"]),
            }
            out.append(agency)
    return out


def scenario(
    *,
    name: str,
    description: str,
    weekday: str,
    day_type: str,
    friday: bool = False,
    layout: str = "korpri-central",
    floors: tuple[str, ...] = (),
    booking: bool = False,
) -> dict[str, Any]:
    """One default scenario as a plain mapping ready for YAML.

    ``floors``: a building instead of one floor plan, one DXF per floor from the ground up.
    ``booking``: the agencies of ``reference/bookings.csv`` take online bookings.
    """
    profile = FRIDAY_PROFILE if friday else MON_THU_PROFILE
    walking: dict[str, Any] = {
        "normal": {"mean_mps": 1.2, "sd_mps": 0.2, "min_mps": 0.5, "max_mps": 2.0},
        "priority": {"mean_mps": 0.9, "sd_mps": 0.2, "min_mps": 0.5, "max_mps": 2.0},
    }
    plan: Any = f"../layouts/{layout}.geojson"
    if floors:
        plan = {
            "floors": [
                {"level": level, "file": f"../layouts/{f}.dxf"} for level, f in enumerate(floors)
            ]
        }
        walking["floors"] = FLOOR_TIMES
    return {
        "name": name,
        "description": description,
        "layout": plan,
        "day": {
            "weekday": weekday,
            "type": day_type,
            "hours": FRIDAY_HOURS if friday else MON_THU_HOURS,
        },
        "demand": {
            "visitors_per_day": VISITORS_PER_DAY,
            "day_types": DAY_TYPES,
            "arrival_profile": [{"start": s, "end": e, "share": p} for s, e, p in profile],
        },
        "priority_share": 0.10,
        "patience": {"kind": "exponential", "mean_min": 120},
        "front_office": {
            "info_desk": {
                "staff": 2,
                "share": 0.25,
                "service": {"kind": "lognormal", "median_min": 2, "cv": 0.6},
            },
            "kiosks": {
                "count": 2,
                "service": {"kind": "lognormal", "median_min": 0.5, "cv": 0.3},
            },
        },
        "agencies": agencies(booking=booking, day_type=day_type),
        "transfers": [{"from": f, "to": t, "share": s} for f, t, s in TRANSFERS],
        "walking": walking,
        "target": {"wait_min": 15, "share": 0.9},
        "run": {"replications": 10, "seed": 2023},
    }


DEFAULTS = {
    "normal-day.yaml": scenario(
        name="MPP Purbalingga - normal day",
        description="23 candidate agencies, a normal Tuesday (about 450 visitors).",
        weekday="tue",
        day_type="normal",
    ),
    "monday.yaml": scenario(
        name="MPP Purbalingga - Monday",
        description="23 candidate agencies on a Monday (x1.4 visitors).",
        weekday="mon",
        day_type="monday",
    ),
    "post-holiday-surge.yaml": scenario(
        name="MPP Purbalingga - post-holiday surge",
        description="23 candidate agencies on the first Tuesday after Lebaran (x2.5 visitors).",
        weekday="tue",
        day_type="post-holiday-surge",
    ),
    "monday-booking.yaml": scenario(
        name="MPP Purbalingga - Monday with online booking",
        description=(
            "monday.yaml with online booking: Imigrasi gives 80% of its passport quota to "
            "M-Paspor slots and keeps 8 walk-in places for priority visitors; Disdukcapil books "
            "30% of its visitors in quarter-hour slots of 2 (assumptions: "
            "scenarios/reference/bookings.csv). Their Monday volumes are raised by the booking "
            "requests that never come, so as many visitors come as on monday.yaml."
        ),
        weekday="mon",
        day_type="monday",
        booking=True,
    ),
    "monday-clusters.yaml": scenario(
        name="MPP Purbalingga - Monday, clustered layout",
        description=(
            "Monday on the illustrative Korpri layout with agencies clustered by theme around "
            "several smaller waiting zones."
        ),
        weekday="mon",
        day_type="monday",
        layout="korpri-clusters",
    ),
    "monday-compact.yaml": scenario(
        name="MPP Purbalingga - Monday, compact layout",
        description=(
            "Monday on the illustrative Korpri layout with more counter slots and less seating."
        ),
        weekday="mon",
        day_type="monday",
        layout="korpri-compact",
    ),
    "monday-two-floors.yaml": scenario(
        name="MPP Purbalingga - Monday, two floors",
        description=(
            "Monday in an illustrative two-floor Korpri building: the busiest agencies on the "
            "ground floor, the others upstairs by stair or lift (priority visitors take the lift)."
        ),
        weekday="mon",
        day_type="monday",
        floors=("korpri-2f-ground", "korpri-2f-upper"),
    ),
    "friday.yaml": scenario(
        name="MPP Purbalingga - Friday",
        description=(
            "23 candidate agencies on a Friday: service 08:00-11:30, last ticket 11:00. "
            "Volume x0.7 (assumption: the short day draws fewer visitors)."
        ),
        weekday="fri",
        day_type="friday",
        friday=True,
    ),
}


def main() -> None:
    """Write every default scenario next to this script."""
    for filename, data in DEFAULTS.items():
        text = "# Generated by scenarios/build_defaults.py from scenarios/reference/.\n"
        text += yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
        (HERE / filename).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
