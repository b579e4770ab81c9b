"""Write the committed corpus of broken inputs in ``corpus/`` (run once; the files are committed).

``python tests/hostile/make_corpus.py`` rebuilds every file from the small valid scenario and
plans of :mod:`hostile_support`. The expected message of each file is in
``corpus/expected.yaml``, written by hand: it is the specification, not this script's output.
Big inputs (a 2 MB scenario, 200,001 features, a 51 MB drawing) are not committed; the tests
generate them in a temporary folder.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import ezdxf
import yaml
from hostile_support import CORPUS, valid_geojson, valid_scenario, write_dxf

__all__ = ["main"]


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def _edit(change: Any) -> str:
    data = valid_scenario()
    change(data)
    return _yaml(data)


def _set(path: str, value: Any) -> Any:
    def change(data: Any) -> None:
        *parents, last = path.split(".")
        node = data
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        node[int(last) if last.isdigit() else last] = value

    return change


def _png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("plan.dxf", "0\nSECTION\n")
    return buffer.getvalue()


def _scenarios() -> dict[str, bytes | str]:
    text = _yaml(valid_scenario())
    laughs = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)
    )
    many = valid_scenario()
    many["agencies"] = [
        {
            "id": f"a{i}",
            "counters": 1,
            "visitors_per_day": 5,
            "service": {"kind": "fixed", "value_min": 5},
        }
        for i in range(61)
    ]
    many["transfers"] = []
    return {
        "empty.yaml": "",
        "only-comments.yaml": "# a scenario will follow\n# (it never did)\n",
        "top-level-list.yaml": "- name: hall\n- day: tue\n",
        "bad-indentation.yaml": text.replace("  weekday: tue", "weekday: tue", 1).replace(
            "  type: normal", "     type: normal", 1
        ),
        "truncated.yaml": text[: len(text) // 2],
        "utf16.yaml": text.encode("utf-16"),
        "latin1.yaml": text.replace("hostile base", "Pelayanan \u00e9t\u00e9").encode("latin-1"),
        "nul-bytes.yaml": "name: hall\x00\x00\n",
        "png-as-yaml.yaml": _png(),
        "billion-laughs.yaml": laughs + "name: *a8\n",
        "deep-nesting.yaml": "name: " + "[" * 3000 + "]" * 3000 + "\n",
        "python-object-tag.yaml": "!!python/object/apply:os.system ['echo owned']\n",
        "python-name-tag.yaml": text.replace("name: hostile base", "name: !!python/name:os.system"),
        "duplicate-key.yaml": text.replace(
            "priority_share: 0.1", "priority_share: 0.1\npriority_share: 0.5"
        ),
        "unknown-key.yaml": _edit(_set("day.visitor_count", 10)),
        "nan-visitors.yaml": text.replace("visitors_per_day: 60", "visitors_per_day: .nan"),
        "infinite-visitors.yaml": text.replace("visitors_per_day: 60", "visitors_per_day: .inf"),
        "negative-visitors.yaml": _edit(_set("demand.visitors_per_day", -60)),
        "billion-visitors.yaml": _edit(_set("demand.visitors_per_day", 10**9)),
        "surge-beyond-day-limit.yaml": _edit(
            lambda d: (
                d["demand"].update(visitors_per_day=15000, day_types={"normal": 1, "busy": 2}),
                d["day"].update(type="busy"),
            )
        ),
        "run-too-long.yaml": _edit(
            lambda d: (
                d["demand"].update(visitors_per_day=15000),
                d["run"].update(replications=1000),
            )
        ),
        "huge-integer.yaml": text.replace("seed: 7", "seed: " + "9" * 5000),
        "seed-negative.yaml": _edit(_set("run.seed", -1)),
        "replications-million.yaml": _edit(_set("run.replications", 10**6)),
        "zero-counters.yaml": _edit(_set("agencies.0.counters", 0)),
        "negative-counters.yaml": _edit(_set("agencies.0.counters", -3)),
        "fractional-counters.yaml": _edit(_set("agencies.0.counters", 2.5)),
        "too-many-counters.yaml": _edit(_set("agencies.0.counters", 5000)),
        "too-many-agencies.yaml": _yaml(many),
        "counters-as-text.yaml": _edit(_set("agencies.0.counters", "two")),
        "shares-not-one.yaml": _edit(_set("agencies.0.share", 0.9)),
        "closing-before-opening.yaml": _edit(_set("day.hours.closing", "07:00")),
        "clock-25-hours.yaml": _edit(_set("day.hours.tickets_open", "25:00")),
        "impossible-date.yaml": text.replace("weekday: tue", "weekday: 2024-13-45"),
        "unknown-transfer-agency.yaml": _edit(_set("transfers.0.to", "samsat")),
        "unknown-distribution.yaml": _edit(
            _set("agencies.0.service", {"kind": "poisson", "mean_min": 5})
        ),
        "negative-service-time.yaml": _edit(
            _set("agencies.0.service", {"kind": "lognormal", "median_min": -6, "cv": 0.6})
        ),
        "layout-etc-passwd.yaml": _edit(_set("layout", "../../../../../../../../etc/passwd")),
        "layout-absolute.yaml": _edit(_set("layout", "/etc/shadow")),
        "layout-folder.yaml": _edit(_set("layout", "..")),
        "layout-missing.yaml": _edit(_set("layout", "no-such-plan.geojson")),
        "layout-png.yaml": _edit(_set("layout", "../plans/png-as-dxf.dxf")),
        "layout-unusable-plan.yaml": _edit(_set("layout", "../plans/no-floor.dxf")),
        "layout-too-few-slots.yaml": _edit(
            lambda d: (
                d.update(layout="../valid/ok-hall.geojson"),
                d["agencies"][0].update(counters=5),
            )
        ),
    }


def _dxf_bytes(folder: Path, extra: Any = None, units: int = 6) -> bytes:
    path = write_dxf(folder / "tmp.dxf", extra)
    if units != 6:
        doc = ezdxf.readfile(path)
        doc.header["$INSUNITS"] = units
        doc.saveas(path)
    data = path.read_bytes()
    path.unlink()
    return data


def _plans(folder: Path) -> dict[str, bytes | str]:
    def gj(data: Any) -> str:
        return json.dumps(data, allow_nan=True)

    def with_feature(**feature: Any) -> str:
        data = valid_geojson()
        data["features"].append({"type": "Feature", **feature})
        return gj(data)

    def first_floor(coords: Any) -> str:
        data = valid_geojson()
        data["features"][0]["geometry"]["coordinates"] = coords
        return gj(data)

    valid = gj(valid_geojson())
    lonlat = valid_geojson()
    for feature in lonlat["features"]:
        geometry = feature["geometry"]

        def degrees(value: Any) -> Any:
            if isinstance(value[0], list):
                return [degrees(v) for v in value]
            return [109.36 + value[0] * 1e-5, -7.39 + value[1] * 1e-5]

        geometry["coordinates"] = degrees(geometry["coordinates"])
    dxf = _dxf_bytes(folder)
    entities = dxf.index(b"ENTITIES")

    def no_floor(msp: Any) -> None:
        for entity in list(msp.query('*[layer=="MPP_FLOOR"]')):
            msp.delete_entity(entity)

    def open_floor(msp: Any) -> None:
        no_floor(msp)
        msp.add_lwpolyline([(0, 0), (10, 0), (10, 10), (0, 10)], dxfattribs={"layer": "MPP_FLOOR"})

    def far_away(msp: Any) -> None:
        msp.add_point((5e9, 5), dxfattribs={"layer": "MPP_COUNTER"})

    def huge_arc(msp: Any) -> None:
        msp.add_arc(
            (5, 5), radius=1e12, start_angle=0, end_angle=180, dxfattribs={"layer": "MPP_WALL"}
        )

    def counter_in_column(msp: Any) -> None:
        msp.add_point((7.5, 5), dxfattribs={"layer": "MPP_COUNTER"})

    def block_bomb(msp: Any) -> None:
        doc = msp.doc
        doc.blocks.new("L0").add_point((0, 0))
        for level in range(1, 8):  # ten references a level: 10 ** 7 points
            block = doc.blocks.new(f"L{level}")
            for k in range(10):
                block.add_blockref(f"L{level - 1}", (0.01 * k, 0))
        msp.add_blockref("L7", (3, 6), dxfattribs={"layer": "MPP_SEAT"})

    def seat_flood(msp: Any) -> None:
        msp.doc.blocks.new("DOT").add_point((0, 0))
        ref = msp.add_blockref("DOT", (1.05, 4.05), dxfattribs={"layer": "MPP_SEAT"})
        ref.grid(size=(78, 98), spacing=(0.05, 0.05))

    def huge_minsert(msp: Any) -> None:
        msp.doc.blocks.new("DOT").add_point((0, 0))
        ref = msp.add_blockref("DOT", (1, 4), dxfattribs={"layer": "MPP_SEAT"})
        ref.grid(size=(100_000, 100_000), spacing=(0.01, 0.01))

    def counter_row(msp: Any) -> None:
        doc = msp.doc
        loket = doc.blocks.new("LOKET")
        loket.add_lwpolyline([(-0.4, 0), (0.4, 0), (0.4, 0.3), (-0.4, 0.3)], close=True)
        loket.add_attdef("SLOT", (0, 0))
        row = doc.blocks.new("ROW")
        for k in range(4):
            row.add_blockref("LOKET", (0, 1.5 * k)).add_auto_attribs({"SLOT": f"R{k + 1}"})
        ref = msp.add_blockref(
            "ROW", (1.0, 9.5), dxfattribs={"layer": "MPP_COUNTER", "rotation": 270}
        )
        ref.add_attrib("SLOT", "ROW1")

    damaged = dxf.decode("ascii").split("\n")
    first_x = next(
        i for i in range(dxf.count(b"\n", 0, entities), len(damaged)) if damaged[i].strip() == "10"
    )
    damaged[first_x + 1] = damaged[first_x + 1].strip() + "abc"
    return {
        "empty.dxf": b"",
        "whitespace-only.dxf": b"\n  \n\t\n",
        "png-as-dxf.dxf": _png(),
        "zip-as-dxf.dxf": _zip(),
        "text-not-dxf.dxf": "This drawing was sent by fax.\nPlease call DPUPR.\n",
        "passwd-like.dxf": "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/bin/false\n",
        "html-error-page.dxf": "<!DOCTYPE html><html><body>404 Not Found</body></html>\n",
        "utf16.dxf": dxf.decode("ascii").encode("utf-16"),
        "truncated-header.dxf": dxf[:200],
        "truncated-entities.dxf": dxf[: entities + (len(dxf) - entities) // 2],
        "damaged-number.dxf": "\n".join(damaged),
        "no-floor.dxf": _dxf_bytes(folder, no_floor),
        "open-floor.dxf": _dxf_bytes(folder, open_floor),
        "absurd-coordinates.dxf": _dxf_bytes(folder, far_away),
        "arc-radius-1e12.dxf": _dxf_bytes(folder, huge_arc),
        "counter-inside-column.dxf": _dxf_bytes(folder, counter_in_column),
        "block-bomb.dxf": _dxf_bytes(folder, block_bomb),
        "seat-flood.dxf": _dxf_bytes(folder, seat_flood),
        "minsert-10-billion.dxf": _dxf_bytes(folder, huge_minsert),
        "counter-row-block.dxf": _dxf_bytes(folder, counter_row),
        "empty-collection.geojson": gj({"type": "FeatureCollection", "features": []}),
        "lon-lat-degrees.geojson": gj(lonlat),
        "nan-coordinates.geojson": first_floor(
            [[[0, 0], [float("nan"), 0], [10, 10], [0, 10], [0, 0]]]
        ),
        "infinite-coordinates.geojson": first_floor(
            [[[0, 0], [float("inf"), 0], [10, 10], [0, 10], [0, 0]]]
        ),
        "huge-coordinates.geojson": first_floor([[[0, 0], [1e300, 0], [10, 10], [0, 10], [0, 0]]]),
        "400-digit-coordinate.geojson": valid.replace("[10, 10]", "[1" + "0" * 400 + ", 10]", 1),
        "negative-radius.geojson": with_feature(
            properties={"kind": "obstacle", "radius": -1},
            geometry={"type": "Point", "coordinates": [5, 5]},
        ),
        "radius-1e308.geojson": with_feature(
            properties={"kind": "obstacle", "radius": 1e308},
            geometry={"type": "Point", "coordinates": [5, 5]},
        ),
        "self-intersecting-floor.geojson": first_floor(
            [[[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]]
        ),
        "duplicate-slots.geojson": with_feature(
            properties={"kind": "counter", "slot": "C1"},
            geometry={"type": "Point", "coordinates": [7, 2]},
        ),
        "geometry-collection.geojson": with_feature(
            properties={"kind": "wall"}, geometry={"type": "GeometryCollection", "geometries": []}
        ),
        "truncated.geojson": valid[: len(valid) // 2],
        "utf16.geojson": valid.encode("utf-16"),
        "latin1.geojson": valid.replace('"hall"', '"ruang tunggu \u00e9"').encode("latin-1"),
        "deep-nesting.geojson": '{"type": "FeatureCollection", "features": '
        + "[" * 5000
        + "]" * 5000
        + "}",
        "single-feature.geojson": gj(valid_geojson()["features"][0]),
        "features-not-a-list.geojson": gj({"type": "FeatureCollection", "features": {"0": {}}}),
        "top-level-array.json": "[1, 2, 3]\n",
        "png-as-geojson.geojson": _png(),
    }


def main() -> None:
    """Rewrite every corpus file."""
    valid = {"ok-hall.geojson": json.dumps(valid_geojson())}
    for sub, files in (("scenarios", _scenarios()), ("plans", _plans(CORPUS)), ("valid", valid)):
        folder = CORPUS / sub
        folder.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            (folder / name).write_bytes(data)


if __name__ == "__main__":
    main()
