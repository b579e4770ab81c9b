"""Small pieces of screen shared by the app's tabs: messages and the name of a layout."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from simulator.scenario import Scenario
from simulator.ui import layouts
from simulator.ui.i18n import Translator
from simulator.ui.messages import Message

__all__ = ["layout_label", "show_message"]


def show_message(tr: Translator, message: Message) -> None:
    """Show a stored message in the current language, coloured by its level."""
    show = {"error": st.error, "warning": st.warning, "success": st.success}
    show.get(message.level, st.info)(message.text(tr))


def layout_label(tr: Translator, scenario: Scenario, shipped: dict[str, Path]) -> str:
    """How a scenario's layout is named on screen."""
    if scenario.layout is None:
        return tr("layout_none")
    name = layouts.layout_choice(scenario, shipped)
    if name is not None:
        return name
    if not isinstance(scenario.layout, str):  # a building: its floors' names
        return " + ".join(Path(f).stem for f in scenario.layout_files())
    names: dict[str, str] = st.session_state.get("layout_names", {})
    return names.get(scenario.layout, Path(scenario.layout).stem)
