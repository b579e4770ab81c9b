"""The planner's app logic, kept out of ``app.py`` so it can be unit-tested without a browser.

``i18n`` (every text in Bahasa Indonesia and English), ``editing`` (widgets -> a validated
scenario), ``layouts`` and ``uploads`` (floor plans and files from the planner), ``runs``
(cached experiments), ``tables`` and ``charts`` (what is shown), ``variants`` (the comparison)
and ``report`` (files to download).
"""

from __future__ import annotations

__all__: list[str] = []
