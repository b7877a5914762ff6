"""Inputs and outputs tables of each module README, rendered from variables.tf and outputs.tf.

Same idea as terraform-docs (not installable offline): the hand-written part of a README stays
hand-written, the tables between the markers are generated, and `--check` fails on drift so the
docs cannot lie about the interface.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hcl2

from platformctl.errors import PlatformError

_HEREDOC = re.compile(r"^<<-?(\w+)\s*\n(.*)\n\s*\1$", re.DOTALL)
BEGIN = "<!-- BEGIN_TF_DOCS -->"
END = "<!-- END_TF_DOCS -->"


@dataclass(frozen=True)
class Row:
    name: str
    description: str
    type: str = ""
    default: str = ""
    required: bool = False


def _unquote(value: Any) -> str:
    if not isinstance(value, str):
        return json.dumps(value)
    text = value.strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1]
    if len(text) >= 2 and text[0] == text[-1] == '"':
        inner = text[1:-1]
        heredoc = _HEREDOC.match(inner)
        if heredoc:
            return heredoc.group(2).strip()
        text = json.loads(text) if "\\" in text else inner
    return text.strip()


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _blocks(path: Path, kind: str) -> list[tuple[str, dict[str, Any]]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as handle:
        document = hcl2.load(handle)
    blocks = []
    for block in document.get(kind, []):
        for name, body in block.items():
            blocks.append((_unquote(name), body))
    return blocks


def _json_variables(module: Path) -> list[tuple[str, dict[str, Any]]]:
    """Variables declared in generated *.tf.json files (modules/platform/catalog.tf.json)."""
    blocks = []
    for path in sorted(module.glob("*.tf.json")):
        for name, body in json.loads(path.read_text(encoding="utf-8")).get("variable", {}).items():
            blocks.append((name, {**body, "description": json.dumps(body.get("description", ""))}))
    return blocks


def inputs(module: Path) -> list[Row]:
    rows = []
    for name, body in _blocks(module / "variables.tf", "variable") + _json_variables(module):
        has_default = "default" in body
        rows.append(Row(
            name=name,
            description=_unquote(body.get("description", "")),
            type=_unquote(body.get("type", "any")),
            default=_render_default(body["default"]) if has_default else "",
            required=not has_default,
        ))
    return sorted(rows, key=lambda r: (not r.required, r.name))


def _render_default(value: Any) -> str:
    if isinstance(value, str):
        text = _unquote(value)
        return "null" if text == "null" else f'"{text}"' if value.strip().startswith('"') else text
    return json.dumps(value, sort_keys=True)


def outputs(module: Path) -> list[Row]:
    return sorted(
        (Row(name=name, description=_unquote(body.get("description", ""))) for name, body in
         _blocks(module / "outputs.tf", "output")),
        key=lambda r: r.name,
    )


def render_tables(module: Path) -> str:
    lines = ["## Inputs", "", "| Name | Description | Type | Default | Required |", "|---|---|---|---|:---:|"]
    for row in inputs(module):
        default = f"`{_cell(row.default)}`" if row.default else "n/a"
        lines.append(f"| `{row.name}` | {_cell(row.description)} | `{_cell(row.type)}` | {default} | "
                     f"{'yes' if row.required else 'no'} |")
    lines += ["", "## Outputs", "", "| Name | Description |", "|---|---|"]
    for row in outputs(module):
        lines.append(f"| `{row.name}` | {_cell(row.description)} |")
    return "\n".join(lines)


def render_readme(module: Path) -> str:
    readme = module / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.is_file() else ""
    if BEGIN not in text or END not in text:
        raise PlatformError(f"{readme}: add the lines {BEGIN} and {END} where the generated tables go")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{render_tables(module)}\n{END}{tail}"
