"""Reading the YAML files people write (scenarios, sweeps) and explaining what is wrong in them.

Both kinds of file go through :func:`read_yaml_file`, which refuses what no planner writes (huge,
binary, non-UTF-8 files, alias bombs, keys written twice) before anything is built from the
text, and both are validated by pydantic models whose first error
:func:`explain_validation_error` turns into one :class:`~simulator.errors.ScenarioError` line
naming the file, the field, the value and what was expected.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from simulator.errors import ScenarioError

__all__ = [
    "MAX_SCENARIO_BYTES",
    "MAX_YAML_NODES",
    "FieldProblem",
    "SafeYamlLoader",
    "explain_validation_error",
    "read_yaml_file",
]

MAX_SCENARIO_BYTES = 1_000_000
"""Largest scenario or sweep file read, in bytes."""
MAX_YAML_NODES = 200_000
"""Most values a YAML file may expand to once anchors and aliases are resolved."""

#: Tags of the distribution union, left out of field paths and quoted in messages.
_DISTRIBUTION_KINDS = (
    "exponential",
    "lognormal",
    "gamma",
    "triangular",
    "uniform",
    "fixed",
    "empirical",
    "mixture",
)
_DISTRIBUTION_FIELDS = {"service", "patience", "time"}


class FieldProblem(ValueError):
    """A cross-field problem located at a sub-field (e.g. ``("transfers", 0, "to")``).

    Raised inside model validators so the error message names the exact field, not just the
    model that checked it.
    """

    def __init__(self, loc: tuple[int | str, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


class SafeYamlLoader(yaml.SafeLoader):
    """Safe YAML loader that keeps ``12:00`` a string (YAML 1.1 reads it as base-60 720) and
    rejects a key written twice in one mapping (plain PyYAML silently keeps the last one)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """As PyYAML's, but a key written twice in one mapping is an error at its line."""
        if isinstance(node, yaml.MappingNode):
            first_line: dict[tuple[str, str], int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                    continue
                key = (key_node.tag, key_node.value)
                if key in first_line:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"key {key_node.value!r} appears twice in one mapping "
                        f"(first on line {first_line[key]})",
                        key_node.start_mark,
                    )
                first_line[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        """As PyYAML's, but a value its constructors cannot convert (a 5000-digit integer, the
        date 2024-13-45) becomes a YAML error at that value's line, not a bare ValueError."""
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:
            text = node.value if isinstance(node, yaml.ScalarNode) else node.tag
            shown = text if len(text) <= 40 else text[:37] + "..."
            reason = str(exc).split(";")[0]
            raise yaml.constructor.ConstructorError(
                None, None, f"cannot read the value {shown!r} ({reason})", node.start_mark
            ) from None


SafeYamlLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:int"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
SafeYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(
        r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"
    ),
    list("-+0123456789"),
)


def _count_nodes(node: yaml.Node, limit: int) -> int:
    """Nodes of a YAML tree with aliases expanded, stopping once past ``limit``."""
    count = 0
    stack = [node]
    while stack:
        current = stack.pop()
        count += 1
        if count > limit:
            return count
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
    return count


def _read_yaml(text: str, source: str) -> Any:
    try:
        loader = SafeYamlLoader(text)
        try:
            node = loader.get_single_node()
            if node is None:
                return None
            if _count_nodes(node, MAX_YAML_NODES) > MAX_YAML_NODES:
                raise ScenarioError(
                    f"the YAML expands to more than {MAX_YAML_NODES:,} values "
                    "(too many anchors/aliases or entries); a scenario is far smaller",
                    file=source,
                )
            return loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        context = f" ({exc.context})" if exc.context else ""
        raise ScenarioError(
            f"not valid YAML at {where}: {exc.problem}{context}", file=source
        ) from None
    except yaml.YAMLError as exc:
        raise ScenarioError(f"not valid YAML: {exc}", file=source) from None
    except RecursionError:
        raise ScenarioError("the YAML is nested too deeply", file=source) from None


def _field_path(loc: tuple[int | str, ...], data: Any) -> str:
    parts: list[str] = []
    node = data
    for item in loc:
        if isinstance(item, int):
            label = f"[{item}]"
            try:
                agency_id = node[item].get("id") if isinstance(node[item], dict) else None
            except (IndexError, KeyError, TypeError, AttributeError):
                agency_id = None
            if agency_id and isinstance(agency_id, str):
                label = f"[{item}] ({agency_id})"
            parts.append(label)
        elif item in _DISTRIBUTION_KINDS or str(item).startswith("function-"):
            continue
        else:
            parts.append(("." if parts else "") + str(item))
        try:
            node = node[item]
        except (IndexError, KeyError, TypeError):
            node = None
    return "".join(parts) or "(top level)"


def _short(value: Any) -> str:
    try:
        text = repr(value)
    except ValueError:  # an integer longer than Python converts to text (4300 digits)
        return "a number too long to print"
    return text if len(text) <= 60 else text[:57] + "..."


def explain_validation_error(
    error: ValidationError,
    data: Any,
    source: str,
    *,
    unknown_key_hint: str = "check its spelling against docs/scenarios.md",
) -> ScenarioError:
    """One :class:`ScenarioError` line for a pydantic error: file, field, value, expectation."""
    problems = error.errors(include_url=False)
    first = problems[0]
    loc = tuple(first["loc"])
    context = first.get("ctx") or {}
    if isinstance(context.get("error"), FieldProblem):
        loc += context["error"].loc
    field = _field_path(loc, data)
    message = str(first["msg"]).removeprefix("Value error, ")
    kind = first["type"]
    kinds = ", ".join(_DISTRIBUTION_KINDS)
    is_distribution = bool(loc) and loc[-1] in _DISTRIBUTION_FIELDS
    if kind == "extra_forbidden":
        message = f"unknown key; {unknown_key_hint}"
    elif kind == "missing":
        message = "required but missing"
    elif kind == "union_tag_invalid":
        message = f"unknown distribution kind {context.get('tag')!r}; expected one of {kinds}"
    elif kind == "union_tag_not_found":
        message = f"a distribution needs 'kind:', one of {kinds}"
    elif kind in {"model_attributes_type", "model_type", "dict_type"}:
        expected = (
            "a distribution mapping such as {kind: lognormal, median_min: 7, cv: 0.6}"
            if is_distribution
            else "a mapping of fields (key: value lines)"
        )
        message = f"got {_short(first.get('input'))}: expected {expected}"
    elif "input" in first and kind not in {"value_error", "assertion_error"}:
        message = f"got {_short(first['input'])}: {message}"
    more = len(problems) - 1
    if more:
        message += f" (and {more} more problem{'s' if more > 1 else ''})"
    return ScenarioError(message, file=source, field=field)


def read_yaml_file(path: str | Path, *, kind: str = "scenario") -> tuple[Any, bytes]:
    """Safely read a small YAML file: its parsed data and its raw bytes (for hashing).

    Refuses folders, missing files, files over :data:`MAX_SCENARIO_BYTES`, text that is not
    UTF-8, binary data and YAML that expands past :data:`MAX_YAML_NODES` values.
    """
    path = Path(path)
    source = str(path)
    if path.is_dir():
        raise ScenarioError(f"is a folder; expected a {kind} YAML file", file=source)
    if not path.is_file():
        raise ScenarioError("no such file", file=source)
    size = path.stat().st_size
    if size > MAX_SCENARIO_BYTES:
        raise ScenarioError(
            f"file is {size:,} bytes; a {kind} may be at most {MAX_SCENARIO_BYTES:,} bytes",
            file=source,
        )
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ScenarioError("the file is UTF-16 text; save it as UTF-8", file=source)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ScenarioError(
            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} on line {line} (offset {exc.start}); "
            "save the file as UTF-8",
            file=source,
        ) from None
    if "\x00" in text:
        raise ScenarioError(f"binary data (NUL bytes) is not a YAML {kind}", file=source)
    return _read_yaml(text, source), raw
