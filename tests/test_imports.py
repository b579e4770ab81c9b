"""Light imports: the package, its errors and the command line start without the heavy
libraries (checked in a fresh interpreter, through ``sys.modules``, not by timing)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("numpy", "pandas", "simpy", "pydantic", "matplotlib", "streamlit", "yaml", "shapely")


def _loaded_after(code: str) -> set[str]:
    """The heavy top-level modules present in ``sys.modules`` after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    modules = json.loads(out.splitlines()[-1])
    return {name for name in HEAVY if name in modules}


@pytest.mark.parametrize(
    "code",
    [
        "import simulator",
        "import simulator.errors",
        "from simulator import __version__",
        "import simulator.cli",
    ],
)
def test_light_modules_import_no_heavy_library(code: str) -> None:
    assert _loaded_after(code) == set()


def test_help_runs_without_the_heavy_libraries() -> None:
    code = (
        "import contextlib, io\nfrom simulator.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['--help'])"
    )
    assert _loaded_after(code) == set()


def test_public_names_load_on_first_use() -> None:
    import simulator

    assert simulator.Scenario.__name__ == "Scenario"
    assert callable(simulator.simulate_day)
    assert "simulate_day" in dir(simulator)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = simulator.nothing  # type: ignore[attr-defined]
