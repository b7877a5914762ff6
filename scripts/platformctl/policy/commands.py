"""`platformctl policy ...`: the security and policy gates (`make policy` calls `policy run`).

    platformctl policy run --plan build/dev/plan.json --plan build/prod/plan.json   # everything, exit 1 on any finding
    platformctl policy run --no-hcl --plan build/local/plan.json                   # plan scans and rules only
    platformctl policy run --plans-from build --env dev --env prod                 # the plans CI's plan jobs left
    platformctl policy plan-rules --plan build/dev/plan.json                        # only the Python plan rules
    platformctl policy check-skips                                                  # only the skip-comment validator
    platformctl policy taggable --schema /tmp/aws-schema.json --provider-version 5.100.0

Everything is written under build/policy/: summary.md, gates.json (every gate's result, read by `platformctl ci`),
checkov-hcl/ and checkov-plan-<env>/ (checkov's console,
JUnit XML, SARIF and JSON), plan-rules-<env>.junit.xml/.sarif, skip-comments.junit.xml/.sarif.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click
from rich.console import Console

from platformctl.errors import PlatformError, UsageError
from platformctl.paths import BUILD_DIR, ENVS_DIR, MODULES_DIR
from platformctl.policy import checkov, plan_rules, report, skips, taggable
from platformctl.policy.model import GateResult
from platformctl.policy.planindex import PlanIndex, relative

console = Console(highlight=False)
err = Console(stderr=True, highlight=False)
POLICY_DIR = BUILD_DIR / "policy"
SKIP_RULES = [(skips.RULE_ID, "checkov skip comments name their check and give a reason", "HIGH"),
              (skips.ALLOWLIST_RULE_ID, "CRITICAL skips have an unexpired skip-allowlist.yaml entry",
               "CRITICAL")]
PLAN_RULES = [(r.id, r.title, r.severity) for r in plan_rules.RULES]


def _label(plan: Path) -> str:
    """build/<env>/plan.json -> <env>; anything else -> the file's stem."""
    return plan.resolve().parent.name if plan.name == "plan.json" else plan.stem


def _print_gate(gate: GateResult, limit: int = 50) -> None:
    console.print(("[green]" if gate.ok else "[red]") + gate.summary_line() + "[/]")
    for error in gate.errors:
        err.print(f"  [red]gate error[/] {error}", soft_wrap=True)
    for finding in sorted(gate.findings, key=lambda f: f.sort_key())[:limit]:
        err.print(f"  [red]{finding.rule_id}[/] [{finding.severity}] {finding.resource}"
                  f"{' (' + finding.location + ')' if finding.location else ''}: {finding.message}", soft_wrap=True)
    if len(gate.findings) > limit:
        err.print(f"  ... and {len(gate.findings) - limit} more (see build/policy/summary.md)")


def _plan_paths(plans: tuple[Path, ...]) -> list[Path]:
    missing = [p for p in plans if not p.is_file()]
    if missing:
        raise UsageError(f"plan JSON not found: {', '.join(str(p) for p in missing)} (run `make plan ENV=<env>` first)")
    labels = [_label(p) for p in plans]
    if len(set(labels)) != len(labels):
        raise UsageError("two plans share a name; pass build/<env>/plan.json paths")
    return list(plans)


def _plan_rule_gate(plan: Path, out_dir: Path) -> GateResult:
    label = _label(plan)
    index = PlanIndex.load(plan, root_dir=checkov.env_root_for(plan), label=label)
    gate = plan_rules.evaluate(index)
    gate.artifacts += [relative(p) or str(p) for p in report.write_gate_reports(gate, out_dir, f"plan-rules-{label}",
                                                                                PLAN_RULES)]
    return gate


def _plans_from(directory: Path, envs: tuple[str, ...]) -> tuple[Path, ...]:
    """<directory>/<env>/plan.json of each env: plans made earlier (CI: the plan jobs' artifacts), never re-planned."""
    from platformctl.catalog.base import ENV_NAMES

    unknown = sorted(set(envs) - set(ENV_NAMES))
    if unknown:
        raise UsageError(f"unknown environment(s) {', '.join(unknown)}; valid: {', '.join(ENV_NAMES)}")
    chosen = envs or ENV_NAMES
    plans = tuple(directory / env / "plan.json" for env in chosen)
    missing = [str(p) for p in plans if not p.is_file()]
    if missing:
        raise UsageError(f"no plan JSON at {', '.join(missing)}: --plans-from scans existing plans only (in CI, "
                         f"the job needs the plan jobs' artifacts; locally, run `make plan ENV=<env>` first)")
    return plans


def _finish(gates: list[GateResult], out_dir: Path) -> None:
    summary = out_dir / "summary.md"
    summary.write_text(report.markdown_summary(gates))
    # Machine-readable results for the merge-request note and Code Quality report (platformctl ci ...).
    (out_dir / "gates.json").write_text(json.dumps([{**asdict(g), "ok": g.ok} for g in gates], indent=1) + "\n")
    failed = [g for g in gates if not g.ok]
    console.print(f"summary: {relative(summary)}")
    if failed:
        findings = sum(len(g.findings) for g in failed)
        errors = sum(len(g.errors) for g in failed)
        raise PlatformError(f"policy gate failed: {findings} finding(s) and {errors} gate error(s) in "
                            f"{', '.join(g.source for g in failed)}")
    console.print("[green]policy gate passed[/]")


@click.group(name="policy")
def group() -> None:
    """Security and policy gates: checkov, custom policies, plan rules, inline-skip validation."""


@group.command("run")
@click.option("--plan", "plans", multiple=True, type=click.Path(path_type=Path),
              help="A plan JSON (terraform show -json), e.g. build/dev/plan.json. Repeat per environment.")
@click.option("--plans-from", "plans_from", type=click.Path(file_okay=False, path_type=Path),
              help="Scan <DIR>/<env>/plan.json of every --env (default: all) as they are; plan nothing.")
@click.option("--env", "envs", multiple=True, help="With --plans-from: an environment to scan. Repeat per env.")
@click.option("--hcl/--no-hcl", default=True, show_default=True, help="Also scan the HCL of modules/ and envs/.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=POLICY_DIR, show_default=True,
              help="Where the reports go.")
def run(plans: tuple[Path, ...], plans_from: Path | None, envs: tuple[str, ...], hcl: bool, out_dir: Path) -> None:
    """Run every gate; exit non-zero on any failed check, dropped check, unreasoned skip or plan-rule finding."""
    if plans_from is not None and plans:
        raise UsageError("pass either --plan or --plans-from, not both")
    if envs and plans_from is None:
        raise UsageError("--env only selects plans with --plans-from")
    paths = _plan_paths(_plans_from(plans_from, envs) if plans_from is not None else plans)
    if not paths and not hcl:
        raise UsageError("nothing to check: pass --plan and/or --hcl")
    out_dir.mkdir(parents=True, exist_ok=True)
    gates: list[GateResult] = []

    gate = skips.validate([MODULES_DIR, ENVS_DIR], checkov.CONFIG_FILE)
    gate.artifacts += [relative(p) or str(p) for p in report.write_gate_reports(gate, out_dir, "skip-comments",
                                                                                SKIP_RULES)]
    gates.append(gate)
    _print_gate(gate)
    if hcl:
        gate = checkov.hcl_gate([MODULES_DIR, ENVS_DIR], out_dir / "checkov-hcl")
        gates.append(gate)
        _print_gate(gate)
    for plan in paths:
        label = _label(plan)
        gate = checkov.plan_gate(plan, out_dir / f"checkov-plan-{label}", label)
        gates.append(gate)
        _print_gate(gate)
        gate = _plan_rule_gate(plan, out_dir)
        gates.append(gate)
        _print_gate(gate)
    _finish(gates, out_dir)


@group.command("plan-rules")
@click.option("--plan", "plans", multiple=True, required=True, type=click.Path(path_type=Path),
              help="A plan JSON, e.g. build/dev/plan.json. Repeat per environment.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=POLICY_DIR, show_default=True)
def plan_rules_command(plans: tuple[Path, ...], out_dir: Path) -> None:
    """Only the Python plan-level rules (PLAT_PLAN_*), without checkov."""
    gates = []
    for plan in _plan_paths(plans):
        gate = _plan_rule_gate(plan, out_dir)
        gates.append(gate)
        _print_gate(gate)
    _finish(gates, out_dir)


@group.command("check-skips")
def check_skips() -> None:
    """Only the validator of inline `#checkov:skip=<ID>:<reason>` comments in modules/ and envs/."""
    gate = skips.validate([MODULES_DIR, ENVS_DIR], checkov.CONFIG_FILE)
    _print_gate(gate)
    if not gate.ok:
        raise PlatformError(f"{len(gate.findings) + len(gate.errors)} skip problem(s)")


@group.command("taggable")
@click.option("--schema", "schema", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Output of `terraform providers schema -json`.")
@click.option("--provider-version", required=True, help="The AWS provider version the schema came from.")
def taggable_command(schema: Path, provider_version: str) -> None:
    """Regenerate policies/data/aws_taggable_resources.json (the resource types CKV_PLAT_1 applies to)."""
    count = taggable.write(schema, provider_version)
    console.print(f"wrote {relative(taggable.DATA_FILE)}: {count} taggable resource types")
