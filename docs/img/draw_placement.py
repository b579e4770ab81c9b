"""Draw docs/img/placement-compact.png: the Monday on the compact Korpri layout, placed as the
drawing places it and as the placement optimiser does, counters coloured by agency.

    .venv/bin/python docs/img/draw_placement.py
"""

from __future__ import annotations

from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from simulator.floorplan.draw import agency_palette, draw_plan
from simulator.inputs import read_floorplan, site_for
from simulator.placement import optimise_placement
from simulator.scenario import load_scenario

REPO = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "placement-compact.png"


def main() -> None:
    """Optimise the placement and draw both placements, one above the other."""
    scenario = load_scenario(REPO / "scenarios" / "monday-compact.yaml")
    result = optimise_placement(scenario, simulate=False)
    plan = read_floorplan(REPO / "layouts" / "korpri-compact.geojson")
    queues = [q.queue for q in result.queues]
    colours = agency_palette(queues)
    figure = Figure(figsize=(13, 14.5), dpi=100)
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1)
    cases = (
        (top, scenario, result.before, "as drawn (the drawing's AGENCY attributes)"),
        (bottom, result.scenario, result.after, "placement optimiser"),
    )
    for ax, placed, walk, how in cases:
        draw_plan(
            plan,
            site=site_for(placed),
            agency_colours=colours,
            title=f"{how}: {walk.metres:.0f} m walked per visitor",
            ax=ax,
        )
    clusters = {a.id: a.cluster for a in scenario.agencies}
    handles = [
        Patch(color=colours[q], label=f"{q} ({clusters[q]})" if clusters.get(q) else q)
        for q in queues
    ]
    figure.legend(handles=handles, loc="lower center", ncol=4, fontsize=8, frameon=False)
    figure.suptitle(
        "Monday on korpri-compact: counters coloured by agency (cluster in brackets)", fontsize=12
    )
    figure.tight_layout(rect=(0, 0.08, 1, 0.98))
    figure.savefig(OUT)
    print(f"wrote {OUT.relative_to(REPO)}")


if __name__ == "__main__":
    main()
