"""Benchmark results: results.json, a Markdown report and the plan-scaling chart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from platformctl.fsutil import write_atomic

SERIES_TITLES = {
    "apis": "APIs (10-path spec each)",
    "tables": "Iceberg tables (one stream each)",
    "accounts": "source accounts (StackSet mode)",
}


def write_json(results: dict[str, Any], path: Path) -> None:
    write_atomic(path, json.dumps(results, indent=2, sort_keys=True) + "\n")


def _stat(measure: dict[str, Any] | None, key: str = "wall_seconds", digits: int = 1) -> str:
    if not measure or not measure.get(key):
        return "-"
    summary = measure[key]
    if summary["n"] < 2:
        return f"{summary['median']:.{digits}f}"
    return f"{summary['median']:.{digits}f} ({summary['minimum']:.{digits}f}-{summary['maximum']:.{digits}f})"


def _runs(measure: dict[str, Any] | None) -> str:
    if not measure:
        return "-"
    text = f"{measure.get('runs', 0)}/{measure.get('requested', 0)}"
    if measure.get("errors"):
        text += " (error)"
    return text


def _median(measure: dict[str, Any] | None, key: str = "wall_seconds") -> float | None:
    if not measure or not measure.get(key):
        return None
    return float(measure[key]["median"])


def per_resource_ms(measure: dict[str, Any] | None, resources: int | None, key: str = "wall_seconds") -> str:
    median = _median(measure, key)
    if median is None or not resources:
        return "-"
    return f"{1000 * median / resources:.0f}"


def overhead_ratio(row: dict[str, Any], key: str = "wall_seconds") -> str:
    plan, baseline = _median(row.get("plan"), key), _median(row.get("flat"), key)
    if plan is None or baseline is None or baseline == 0:
        return "-"
    return f"{plan / baseline:.2f}x"


def scaling_table(scaling: dict[str, Any]) -> list[str]:
    lines = [
        "| Case | APIs | Tables | Source accounts | Resources | Data sources | Plan wall s | CPU s | ms/resource "
        "(wall) | ms/resource (CPU) | Provider processes | Emulator calls | Runs | Flat baseline wall s | "
        "Flat CPU s | Module overhead (wall / CPU) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in scaling["cases"]:
        plan, flat = row.get("plan"), row.get("flat")
        calls = _median(plan, "api_calls")
        lines.append(
            f"| {row['case']} | {row['apis']} | {row['tables']} | {row['accounts']} | {row.get('resources') or '-'} "
            f"| {row.get('data_sources') if row.get('data_sources') is not None else '-'} | {_stat(plan)} "
            f"| {_stat(plan, 'cpu_seconds')} | {per_resource_ms(plan, row.get('resources'))} "
            f"| {per_resource_ms(plan, row.get('resources'), 'cpu_seconds')} "
            f"| {plan.get('provider_processes', '-') if plan else '-'} | {'-' if calls is None else f'{calls:.0f}'} "
            f"| {_runs(plan)} | {_stat(flat)} | {_stat(flat, 'cpu_seconds')} "
            f"| {overhead_ratio(row)} / {overhead_ratio(row, 'cpu_seconds')} |"
        )
    return lines


def refresh_table(scaling: dict[str, Any]) -> list[str]:
    refresh = scaling.get("refresh") or {}
    if not refresh:
        return ["Refresh was not measured in this run."]
    lines = [
        f"State: the emulator subset of `{scaling['refresh_case']}` applied once "
        f"({(refresh.get('apply') or {}).get('resources_in_state', '?')} resources in state; apply took "
        f"{_stat(refresh.get('apply'))} s).",
        "",
        "| Plan against the applied state | Wall s | CPU s | Emulator calls | Exit codes | Runs |",
        "|---|--:|--:|--:|---|--:|",
    ]
    for key, label in (("refresh", "with refresh"), ("norefresh", "-refresh=false")):
        measure = refresh.get(key)
        calls = _median(measure, "api_calls")
        codes = ", ".join(map(str, (measure or {}).get("exit_codes", []))) or "-"
        lines.append(
            f"| {label} | {_stat(measure)} | {_stat(measure, 'cpu_seconds')} | "
            f"{'-' if calls is None else f'{calls:.0f}'} | {codes} | {_runs(measure)} |"
        )
    pending = [change for m in refresh.values() if m for change in m.get("pending_changes", [])]
    if pending:
        lines += ["", f"Pending changes on the applied state (not idempotent): {', '.join(sorted(set(pending)))}"]
    return lines


def provider_lines(scaling: dict[str, Any]) -> list[str]:
    rows = [row for row in scaling.get("provider_startup") or [] if row["plan"].get("wall_seconds")]
    if not rows:
        return ["Provider start-up was not measured in this run."]
    lines = [
        "A root with K aliased providers, each assuming the deploy role in its own account and reading its "
        "caller identity, and nothing else:",
        "",
        "| Aliases | Plan wall s | CPU s | Provider processes | Provider CPU s | CPU s per provider process | Runs |",
        "|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        plan = row["plan"]
        processes = plan.get("provider_processes") or 0
        provider_cpu = _median(plan, "provider_cpu_seconds")
        per_process = "-" if not processes or provider_cpu is None else f"{provider_cpu / processes:.1f}"
        lines.append(
            f"| {row['aliases']} | {_stat(plan)} | {_stat(plan, 'cpu_seconds')} | {processes} | "
            f"{_stat(plan, 'provider_cpu_seconds')} | {per_process} | {_runs(plan)} |"
        )
    if len(rows) >= 2:
        first, last = rows[0], rows[-1]
        extra = last["aliases"] - first["aliases"]
        wall = (_median(last["plan"]) or 0) - (_median(first["plan"]) or 0)
        cpu = (_median(last["plan"], "cpu_seconds") or 0) - (_median(first["plan"], "cpu_seconds") or 0)
        lines += ["", f"Each additional alias: {wall / extra:+.1f} s wall, {cpu / extra:+.1f} s CPU."]
    return lines


def throughput_lines(results: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    linter = (results.get("throughput") or {}).get("linter")
    if linter:
        lines += [
            f"OpenAPI linter over {linter['specs']} ordinary specs ({linter['paths_per_spec']} paths each), "
            f"target under {linter['target_seconds']:.0f} s:",
            "",
            "| Pass | Wall s | CPU s | Specs/s | Under target |",
            "|---|--:|--:|--:|---|",
        ]
        for key, label in (
            ("cold", "cold (empty validation cache)"),
            ("warm", "warm (cache filled)"),
            ("rules_only", "rules only (no document validation)"),
        ):
            item = linter[key]
            lines.append(
                f"| {label} | {_stat(item, digits=3)} | {_stat(item, 'cpu_seconds', 3)} | "
                f"{item['specs_per_second']} | {'yes' if item['meets_target'] else 'no'} |"
            )
        process = linter.get("cold_process")
        if process:
            # CPU of a child process is not this process's to count: wall only.
            lines.append(
                f"| cold, new process (`platformctl openapi lint --no-cache`) | {_stat(process, digits=3)} | - | "
                f"{process['specs_per_second']} | {'yes' if process['meets_target'] else 'no'} |"
            )
    tfvars = (results.get("throughput") or {}).get("tfvars")
    if tfvars:
        lines += [
            "",
            f"tfvars generation for {tfvars['apis']} APIs: load and validate the catalog "
            f"{_stat({'s': tfvars['load_and_validate_seconds']}, 's', 3)} s, render every environment's inputs "
            f"(`generate.render_all`, {tfvars['rendered_files']} files, {tfvars['rendered_bytes']:,} bytes) "
            f"{_stat({'s': tfvars['render_all_seconds']}, 's', 3)} s.",
        ]
    return lines


def policy_lines(results: dict[str, Any]) -> list[str]:
    policy = results.get("policy_bytes")
    if not policy:
        return []
    lines = [
        f"Central bus policy size per principal-scope mode (EventBridge limit {policy['limit_bytes']:,} bytes; "
        f"accounts mode fits at most {policy['max_accounts_in_accounts_mode']} accounts):",
        "",
        "| Source accounts | organization | organizational_units | accounts |",
        "|--:|--:|--:|--:|",
    ]
    for row in policy["rows"]:
        sizes = row["bytes"]
        accounts = f"{sizes['accounts']:,}"
        if not row["accounts_mode_fits"]:
            accounts += " (over the limit: the module refuses it)"
        lines.append(
            f"| {row['source_accounts']:,} | {sizes['organization']:,} | "
            f"{sizes['organizational_units']:,} | {accounts} |"
        )
    return lines


def gate_lines(results: dict[str, Any]) -> list[str]:
    gates = results.get("gates") or []
    if not gates:
        return ["Gate costs were not measured in this run."]
    lines = ["| make target | First run s | Warm s | Passed |", "|---|--:|--:|---|"]
    for row in gates:
        if not row.get("available"):
            lines.append(f"| `{row['target']}` | - | - | {row['note']} |")
            continue
        warm = row.get("warm_seconds")
        warm_text = "-" if not warm else _stat({"w": warm}, "w")
        lines.append(
            f"| `{row['target']}` | {row['first_run_seconds']:.1f} | {warm_text} | "
            f"{'yes' if row['passed'] else 'no (exit ' + ', '.join(map(str, row['exit_codes'])) + ')'} |"
        )
    return lines


def make_test_lines(results: dict[str, Any]) -> list[str]:
    measured = results.get("make_test")
    if not measured:
        return []
    stages = (measured.get("lanes") or {}).get("stages") or []
    lines = ["", f"`make test` with its lanes: {measured['wall_seconds']:.1f} s wall "
             f"(exit {measured['exit_code']}); each gate inside the lanes:", "",
             "| Gate | Lane | Result | s | CPU s |", "|---|---|---|--:|--:|"]
    lines += [f"| `{row['stage']}` | {row['lane']} | {row['status']} | {row['seconds']:.1f} | "
              f"{row.get('cpu_seconds', 0):.1f} |" for row in stages]
    if stages:
        lanes = measured["lanes"]
        lines.append(f"| sum of gates | | | {lanes.get('serial_seconds', 0):.1f} | {lanes.get('cpu_seconds', 0):.1f} |")
    return lines


def render_markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    scaling = results.get("plan_scaling") or {}
    lines = [
        "# Benchmark results",
        "",
        f"Run {meta['started']} on {meta['cpus']} CPU(s), load average {meta['load_start']:.1f} at the start and "
        f"{meta['load_end']:.1f} at the end (1-minute). Took {meta['duration_seconds'] / 60:.1f} min "
        f"(budget {meta['budget_text']}); {meta['repeats']} run(s) requested per measurement. Terraform "
        f"{meta.get('terraform_version', '?')}, hashicorp/aws {meta.get('provider_version', '?')}.",
        "",
        'Values are median (min-max) over the runs made; "Runs" is made/requested (the budget skips runs that '
        "do not fit). CPU s is terraform plus its provider plugins; Emulator calls are the HTTP requests the "
        "emulator served during the plan.",
        "",
        "## Plan scaling",
        "",
        "envs/local of a synthetic catalog, planned from empty state with `-refresh=false` against a private "
        "emulator (the full intent, Redshift and the StackSet included).",
        "",
        *(scaling_table(scaling) if scaling else ["Plan scaling was not measured in this run."]),
        "",
        "## Refresh",
        "",
        *(refresh_table(scaling) if scaling else ["Refresh was not measured in this run."]),
        "",
        "## Provider start-up per alias",
        "",
        *(provider_lines(scaling) if scaling else ["Provider start-up was not measured in this run."]),
        "",
        "## Tool throughput",
        "",
        *throughput_lines(results),
        "",
        "## Eventing policy bytes",
        "",
        *policy_lines(results),
        "",
        "## Gate cost",
        "",
        *gate_lines(results),
        *make_test_lines(results),
        "",
    ]
    skipped = meta.get("skipped") or []
    if skipped:
        lines += ["## Skipped", "", *[f"- {item}" for item in skipped], ""]
    return "\n".join(lines)


def plot_scaling(results: dict[str, Any], path: Path) -> bool:
    """plan_scaling.png: plan wall time per series (median, min-max bars), CPU time and the flat baseline."""
    scaling = results.get("plan_scaling") or {}
    rows = [row for row in scaling.get("cases", []) if row.get("plan", {}).get("wall_seconds")]
    if not rows:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 3, figsize=(15, 4.6), sharey=True)
    for axis, series in zip(axes, ("apis", "tables", "accounts"), strict=True):
        points = sorted((row[series], row) for row in rows if series in row["series"])
        if not points:
            axis.set_visible(False)
            continue
        xs = [x for x, _ in points]
        walls = [row["plan"]["wall_seconds"] for _, row in points]
        medians = [w["median"] for w in walls]
        errors = [[w["median"] - w["minimum"] for w in walls], [w["maximum"] - w["median"] for w in walls]]
        axis.errorbar(xs, medians, yerr=errors, marker="o", capsize=4, label="plan wall (median, min-max)")
        axis.plot(
            xs,
            [row["plan"]["cpu_seconds"]["median"] for _, row in points],
            marker="s",
            linestyle="--",
            label="plan CPU (terraform + providers)",
        )
        flats = [
            (x, row["flat"]["wall_seconds"]["median"], row["flat"]["cpu_seconds"]["median"])
            for x, row in points
            if row.get("flat", {}).get("wall_seconds")
        ]
        if flats:
            axis.plot(
                [x for x, _, _ in flats],
                [y for _, y, _ in flats],
                marker="^",
                linestyle=":",
                label="flat baseline wall",
            )
            axis.plot(
                [x for x, _, _ in flats], [c for _, _, c in flats], marker="v", linestyle=":", label="flat baseline CPU"
            )
        for x, (_, row) in zip(xs, points, strict=True):
            axis.annotate(
                f"{row.get('resources')} res",
                (x, row["plan"]["wall_seconds"]["median"]),
                textcoords="offset points",
                xytext=(0, 8),
                ha="center",
                fontsize=8,
            )
        if series == "accounts":
            axis.set_xscale("log")
        axis.set_xlabel(SERIES_TITLES[series])
        axis.grid(True, alpha=0.3)
    axes[0].set_ylabel("seconds")
    axes[0].legend(fontsize=8, loc="upper left")
    meta = results["meta"]
    figure.suptitle(
        f"terraform plan of envs/local vs catalog size (empty state, -refresh=false; "
        f"{meta['cpus']} CPUs, load {meta['load_start']:.1f}-{meta['load_end']:.1f})"
    )
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True
