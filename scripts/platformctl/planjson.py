"""The one reader of `terraform show -json` plan documents.

Policy rules, the data-loss gate, bench, verify, the CI reports, `make local`'s summary and the tests all
read plans through `Plan`: resource addresses (parsed once, quotes and brackets included), resource
changes with their actions classified, planned and prior resources across child modules, the
configuration's module tree, and which attribute paths Terraform marks sensitive.
Format: https://developer.hashicorp.com/terraform/internals/json-format
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from platformctl.errors import PlatformError

# Every kind of change a resource can have, in the order summaries show them.
KINDS = ("create", "update", "replace", "delete", "forget", "read", "no-op")
UNKNOWN = "(known after apply)"

_INDEX = re.compile(r"\[(\d+|\"(?:[^\"\\]|\\.)*\")\]")


class PlanFileError(PlatformError):
    """The plan JSON is missing or is not a `terraform show -json` document."""


# -- addresses ------------------------------------------------------------------------------------
def split_address(address: str) -> list[str]:
    """Split on dots outside brackets and quotes: module.a["x.y"].aws_b.c[0] -> [module, a["x.y"], aws_b, c[0]]."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    for char in address:
        if quoted:
            current.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                quoted = False
            continue
        if char == '"':
            quoted = True
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "." and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def name_and_index(part: str) -> tuple[str, Any]:
    """`c["k"]` -> ("c", "k"); `c[0]` -> ("c", 0); `c` -> ("c", None)."""
    match = _INDEX.search(part)
    if not match:
        return part, None
    raw = match.group(1)
    return part[: match.start()], (json.loads(raw) if raw.startswith('"') else int(raw))


@dataclass(frozen=True)
class Address:
    """A parsed resource instance address."""

    modules: tuple[tuple[str, Any], ...]  # (call name, instance key or None) from the root down
    mode: str  # managed | data
    type: str
    name: str
    index: Any

    @classmethod
    def parse(cls, address: str) -> Address:
        parts = split_address(address)
        modules: list[tuple[str, Any]] = []
        while len(parts) > 2 and parts[0] == "module":
            modules.append(name_and_index(parts[1]))
            parts = parts[2:]
        mode = "managed"
        if parts[0] == "data":
            mode, parts = "data", parts[1:]
        if len(parts) != 2 or not all(parts) or parts[0] == "module":
            raise PlanFileError(f"{address!r} is not a resource instance address (expected [module.X.]TYPE.NAME)")
        name, index = name_and_index(parts[1])
        return cls(tuple(modules), mode, parts[0], name, index)

    @property
    def module_names(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.modules)

    @property
    def module(self) -> str:
        """The module instance address, "" for the root module."""
        return module_instance(self.modules)


def _render_index(index: Any) -> str:
    return "" if index is None else f"[{json.dumps(index)}]"


def module_instance(modules: tuple[tuple[str, Any], ...]) -> str:
    return ".".join(f"module.{name}{_render_index(key)}" for name, key in modules)


def kind_of(actions: Iterable[str]) -> str:
    """Classify one `change.actions` list: create, update, replace, delete, forget, read or no-op."""
    actions = list(actions)
    if sorted(actions) == ["create", "delete"]:
        return "replace"
    if len(actions) == 1 and actions[0] in KINDS:
        return actions[0]
    raise PlanFileError(f"unknown change actions {actions!r} in the plan JSON")


def _merge_unknown(after: Any, unknown: Any) -> Any:
    if unknown is True:
        return UNKNOWN
    if isinstance(after, dict) and isinstance(unknown, dict):
        merged = dict(after)
        for key, flag in unknown.items():
            merged[key] = _merge_unknown(after.get(key), flag)
        return merged
    if isinstance(after, list) and isinstance(unknown, list):
        return [_merge_unknown(a, u) for a, u in zip(after, unknown, strict=False)] + after[len(unknown):]
    return after


def flagged_paths(flags: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Key paths set to true in a `before_sensitive`/`after_sensitive`/`after_unknown` mask."""
    if flags is True:
        yield prefix
    elif isinstance(flags, dict):
        for key, value in flags.items():
            yield from flagged_paths(value, (*prefix, key))
    elif isinstance(flags, list):
        for number, value in enumerate(flags):
            yield from flagged_paths(value, (*prefix, number))


# -- changes --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Change:
    """One entry of `resource_changes` (or `resource_drift`)."""

    address: str
    type: str
    name: str
    mode: str
    module: str
    index: Any
    actions: tuple[str, ...]
    before: dict[str, Any]
    after: dict[str, Any]
    after_unknown: dict[str, Any]
    before_sensitive: Any
    after_sensitive: Any

    @classmethod
    def parse(cls, entry: Mapping[str, Any]) -> Change:
        try:
            address = str(entry["address"])
            body = entry.get("change") or {}
            actions = tuple(body["actions"])
        except (KeyError, TypeError) as error:
            raise PlanFileError(f"a resource change has no {error}: not a `terraform show -json` document") from None
        parsed = Address.parse(address)
        return cls(
            address=address,
            type=str(entry.get("type") or parsed.type),
            name=str(entry.get("name") or parsed.name),
            mode=str(entry.get("mode") or parsed.mode),
            module=str(entry.get("module_address") or parsed.module),
            index=entry.get("index", parsed.index),
            actions=actions,
            before=body.get("before") or {},
            after=body.get("after") or {},
            after_unknown=body.get("after_unknown") or {},
            before_sensitive=body.get("before_sensitive") or {},
            after_sensitive=body.get("after_sensitive") or {},
        )

    @property
    def kind(self) -> str:
        return kind_of(self.actions)

    @property
    def managed(self) -> bool:
        return self.mode == "managed"

    @property
    def kept(self) -> bool:
        """The resource exists after apply (created, updated, replaced or unchanged)."""
        return self.actions != ("delete",)

    @property
    def pending(self) -> bool:
        """A managed resource that apply would change."""
        return self.managed and self.actions not in (("no-op",), ("read",))

    @property
    def parsed(self) -> Address:
        return Address.parse(self.address)

    def planned(self) -> dict[str, Any]:
        """Attributes after apply, with values only known after apply shown as UNKNOWN.

        planned_values leaves unknown attributes out altogether, which reads like "not set"."""
        return _merge_unknown(self.after, self.after_unknown)

    def sensitive_paths(self) -> list[tuple[str | int, ...]]:
        """Attribute paths whose value Terraform marks sensitive, before or after the change."""
        return sorted(set(flagged_paths(self.before_sensitive)) | set(flagged_paths(self.after_sensitive)), key=repr)


# -- the document ---------------------------------------------------------------------------------
@dataclass
class Plan:
    """A parsed `terraform show -json` document (also accepts the small fragments tests build)."""

    document: Mapping[str, Any]

    @classmethod
    def of(cls, plan: Plan | Mapping[str, Any]) -> Plan:
        return plan if isinstance(plan, Plan) else cls(plan)

    @classmethod
    def load(cls, path: Path) -> Plan:
        """Read a plan JSON file; a missing, non-JSON or non-plan file is a PlanFileError."""
        if not path.is_file():
            raise PlanFileError(f"no plan JSON at {path}: run `make plan ENV=<env>` first")
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise PlanFileError(f"{path} is not JSON: {error}") from error
        return cls.checked(document, str(path))

    @classmethod
    def checked(cls, document: Any, where: str = "the plan") -> Plan:
        if not isinstance(document, dict) or ("resource_changes" not in document and "format_version" not in document):
            raise PlanFileError(f"{where} is not a plan JSON document (no format_version or resource_changes)")
        return cls(document)

    # -- changes
    @cached_property
    def changes(self) -> tuple[Change, ...]:
        return tuple(Change.parse(e) for e in self.document.get("resource_changes") or [])

    @cached_property
    def drift(self) -> tuple[Change, ...]:
        """Changes made outside Terraform that the refresh found."""
        return tuple(Change.parse(e) for e in self.document.get("resource_drift") or [])

    @cached_property
    def by_address(self) -> dict[str, Change]:
        return {change.address: change for change in self.changes}

    def managed(self, *types: str, under: str = "", kept: bool = True) -> list[Change]:
        """Managed resource changes, optionally of some types, under an address prefix, and kept after apply."""
        return [
            c for c in self.changes
            if c.managed and (not types or c.type in types) and c.address.startswith(under) and (c.kept or not kept)
        ]

    def kept_addresses(self) -> set[str]:
        """Managed resources that exist after apply."""
        return {change.address for change in self.managed()}

    def pending(self) -> list[Change]:
        return [change for change in self.changes if change.pending]

    @cached_property
    def output_changes(self) -> dict[str, str]:
        """Output name -> kind of change, for outputs that change."""
        return {
            name: kind_of(value.get("actions") or [])
            for name, value in sorted((self.document.get("output_changes") or {}).items())
            if value.get("actions") != ["no-op"]
        }

    # -- values across child modules
    def planned_resources(self) -> Iterator[dict[str, Any]]:
        """Every resource in planned_values, depth first through child modules."""
        return _resources((self.document.get("planned_values") or {}).get("root_module") or {})

    def prior_resources(self) -> Iterator[dict[str, Any]]:
        """Every resource of prior_state (what was in state, and the data sources read during the plan)."""
        return _resources(((self.document.get("prior_state") or {}).get("values") or {}).get("root_module") or {})

    # -- configuration
    @property
    def configuration(self) -> Mapping[str, Any]:
        return self.document.get("configuration") or {}

    def config_module(self, names: Iterable[str]) -> dict[str, Any] | None:
        """The configuration of a module by call names from the root (instance keys dropped)."""
        module = self.configuration.get("root_module") or {}
        for name in names:
            call = (module.get("module_calls") or {}).get(name)
            if not call:
                return None
            module = call.get("module") or {}
        return module

    def config_modules(self) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
        """(call names from the root, module configuration) for every module, the root first."""
        stack: list[tuple[tuple[str, ...], dict[str, Any]]] = [((), self.configuration.get("root_module") or {})]
        while stack:
            names, module = stack.pop()
            yield names, module
            for call, spec in reversed(list((module.get("module_calls") or {}).items())):
                stack.append(((*names, call), spec.get("module") or {}))

    def resource_config(self, address: Address) -> dict[str, Any]:
        """The configuration block that declares an instance (by its module path, type and name)."""
        module = self.config_module(address.module_names) or {}
        local = f"{'data.' if address.mode == 'data' else ''}{address.type}.{address.name}"
        return next((c for c in module.get("resources") or [] if c.get("address") == local), {})

    @property
    def offline(self) -> bool:
        """A provider points at custom endpoints: an OFFLINE (emulator) plan, never to be applied to AWS.

        Real environments never configure `endpoints`; `make plan OFFLINE=1` injects them through an
        override file, and so does the `local` env."""
        providers = self.configuration.get("provider_config") or {}
        return any("endpoints" in (provider.get("expressions") or {}) for provider in providers.values())


def _resources(root: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    stack = [root]
    while stack:
        module = stack.pop()
        yield from module.get("resources") or []
        stack.extend(reversed(module.get("child_modules") or []))
