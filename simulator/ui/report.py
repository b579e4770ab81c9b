"""A short, self-contained HTML report of a comparison, to attach to a meeting's minutes.

One file, no external links: figures are embedded as base64 PNG, so it opens offline in any
browser and prints on one or two pages. Every word comes from the translator.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping, Sequence

import pandas as pd

from simulator import __version__
from simulator.ui.i18n import Translator, day_type_label
from simulator.ui.variants import (
    SavedVariant,
    display_names,
    pairable,
    side_by_side,
    statistics_table,
    variant_sentence,
)

__all__ = ["comparison_report"]

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
img { max-width: 100%; margin: 0.5rem 0; }
.note { color: #555; font-size: 0.85rem; }
"""


def _sentence(text: str) -> str:
    """Escape a sentence and turn its ``**bold**`` (the app's markdown) into ``<strong>``."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html.escape(text))


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(border=0, escape=True, index_names=False)


def _image(title: str, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    label = html.escape(title)
    return f'<figure><img alt="{label}" src="data:image/png;base64,{data}"></figure>'


def comparison_report(
    variants: Sequence[SavedVariant],
    *,
    tr: Translator,
    figures: Sequence[tuple[str, bytes]],
    created: str,
    thresholds: Mapping[str, float] | None = None,
) -> str:
    """The report: variants side by side, each compared with the first, and the figures."""
    base = variants[0]
    names = display_names(variants, tr)
    created_line = tr("report_created", when=created, version=__version__)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{tr.lang}"><head><meta charset="utf-8">',
        f"<title>{html.escape(tr('report_title'))}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{html.escape(tr('report_title'))}</h1>",
        f'<p class="note">{html.escape(created_line)}</p>',
        f"<h2>{html.escape(tr('report_variants'))}</h2><ul>",
    ]
    for v, name in zip(variants, names, strict=True):
        s = v.scenario
        parts.append(
            "<li>"
            + html.escape(
                tr(
                    "report_variant_line",
                    name=name,
                    layout=v.layout,
                    day=day_type_label(s.day.type, tr),
                    weekday=tr(f"weekday_{s.day.weekday}"),
                    agencies=len(s.agencies),
                    counters=sum(a.counters for a in s.agencies),
                    replications=v.result.replications,
                    seed=v.result.seed,
                )
            )
            + "</li>"
        )
    parts.append("</ul>")
    parts.append(f"<h2>{html.escape(tr('compare_side_by_side'))}</h2>")
    parts.append(_table(side_by_side(variants, tr=tr)))
    for other, other_name in zip(variants[1:], names[1:], strict=True):
        title = tr("compare_pair_title", a=names[0], b=other_name)
        parts.append(f"<h2>{html.escape(title)}</h2>")
        if not pairable(base, other):
            parts.append(f"<p>{html.escape(tr('compare_not_paired'))}</p>")
            continue
        sentence = variant_sentence(
            base, other, tr=tr, name_a=names[0], name_b=other_name, thresholds=thresholds
        )
        parts.append(f"<p>{_sentence(sentence)}</p>")
        stats = statistics_table(base, other, tr=tr, thresholds=thresholds)
        parts.append(stats.to_html(border=0, escape=True, index=False))
    parts.append(f"<h2>{html.escape(tr('report_figures'))}</h2>")
    parts.extend(_image(title, png) for title, png in figures)
    parts.append(f'<p class="note">{html.escape(tr("report_method"))}</p>')
    parts.append("</body></html>")
    return "\n".join(parts)
