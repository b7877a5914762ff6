"""Plan scaling: envs/local of synthetic catalogs planned against a private emulator.

Cases: a base catalog (the smallest size of each dimension) and, per dimension (APIs, tables,
source accounts), one case per other size with the other dimensions at their base size. Each case
is planned from empty state with `-refresh=false` (the full intent, as the reference plan of
`make local`); selected cases also get a flat baseline (bench/flat.py). Refresh needs state, so
it is measured on the base case after one apply of its emulator subset: a plan with refresh and
one with `-refresh=false`, both against that state (and both must report no changes).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platformctl import localenv
from platformctl.bench import flat, planrun, providers
from platformctl.bench.schedule import Task
from platformctl.bench.stats import linear_fit, maybe_summarize, summarize
from platformctl.bench.synthetic import Case, CaseSize, build_case
from platformctl.emulator.control import Emulator
from platformctl.toolchain import Toolchain

DIMENSIONS = ("apis", "tables", "accounts")
DEFAULT_FIRST_ESTIMATE = 90.0  # seconds, before anything of a series was measured
APPLY_FIRST_ESTIMATE = 180.0


@dataclass(frozen=True)
class Sizes:
    apis: tuple[int, ...] = (1, 10)
    tables: tuple[int, ...] = (1, 10, 50)
    accounts: tuple[int, ...] = (10, 100, 1000)

    def text(self) -> str:
        return " ".join(f"{d}={','.join(map(str, getattr(self, d)))}" for d in DIMENSIONS)

    @property
    def base(self) -> CaseSize:
        return CaseSize(min(self.apis), min(self.tables), min(self.accounts))

    def cases(self) -> list[CaseSize]:
        """The base case, then each dimension's other sizes (others at base), cheapest first."""
        base = self.base
        cases = [base]
        for dimension in ("accounts", "tables", "apis"):  # measured cost per unit grows in this order
            for size in sorted(set(getattr(self, dimension))):
                case = CaseSize(**{**vars(base), dimension: size})
                if case not in cases:
                    cases.append(case)
        return cases

    def series(self, case: CaseSize) -> list[str]:
        """The dimensions whose series `case` belongs to (the base belongs to all three)."""
        base = self.base
        return [
            d
            for d in DIMENSIONS
            if all(getattr(case, other) == getattr(base, other) for other in DIMENSIONS if other != d)
        ]


@dataclass
class CaseState:
    case: Case
    runner: planrun.CopyRunner
    init_seconds: float
    plan: dict[str, Any] | None = None
    plan_json: Path | None = None
    tasks: dict[str, Task] = field(default_factory=dict)


class PlanScaling:
    """Builds the cases and the measurement tasks; `results()` after the rounds ran."""

    def __init__(
        self,
        repo_root: Path,
        work_dir: Path,
        toolchain: Toolchain,
        emulator: Emulator,
        sizes: Sizes,
        repeats: int,
        flat_cases: Sequence[CaseSize],
        refresh: bool,
        provider_aliases: Sequence[int] = (1, 4),
        log: Callable[[str], None] = print,
    ) -> None:
        self.repo_root = repo_root
        self.work_dir = work_dir
        self.toolchain = toolchain
        self.emulator = emulator
        self.sizes = sizes
        self.repeats = repeats
        self.flat_cases = list(flat_cases)
        self.refresh = refresh
        self.provider_aliases = sorted(set(provider_aliases))
        self.provider_tasks: dict[int, Task] = {}
        self.log = log
        self.cases: dict[CaseSize, CaseState] = {}
        self.refresh_tasks: dict[str, Task] = {}
        self.refresh_notes: list[str] = []
        self._schemas: dict[str, Any] | None = None
        self._refresh_runner: planrun.CopyRunner | None = None

    # -- setup -----------------------------------------------------------------------------------
    def prepare(self) -> None:
        """Build every case (copy, synthetic catalog, generated inputs) and `terraform init` it."""
        for size in self.sizes.cases():
            case = build_case(self.repo_root, self.work_dir / size.name, size)
            runner = planrun.CopyRunner(
                self.toolchain,
                case.catalog,
                "local",
                emulator=self.emulator,
                work_dir=case.root / "run",
                env_root=case.env_root,
            )
            runner.preflight()
            sample, _ = planrun.timed(runner, self._init_args(runner))
            self.log(f"case  {size.name}: init {sample.wall_seconds:.1f}s")
            self.cases[size] = CaseState(case, runner, sample.wall_seconds)

    @staticmethod
    def _init_args(runner: planrun.CopyRunner) -> list[str]:
        return ["init", "-input=false", "-no-color", f"-backend-config=path={runner.state_path}", "-reconfigure"]

    def tasks(self) -> list[Task]:
        """In the order of one round: case plans (cheapest first), flat baselines, refresh."""
        tasks = [self._plan_task(state) for state in self.cases.values()]
        tasks += [self._flat_task(self.cases[size]) for size in self.flat_cases if size in self.cases]
        if self.refresh:
            tasks += self._refresh_tasks(self.cases[self.sizes.base])
        tasks += [self._provider_task(count) for count in self.provider_aliases]
        return tasks

    # -- provider start-up -----------------------------------------------------------------------
    def _provider_task(self, aliases: int) -> Task:
        base = self.cases[self.sizes.base]
        holder: dict[str, planrun.CopyRunner] = {}

        def run() -> planrun.RunSample:
            if "runner" not in holder:
                root = providers.write_provider_root(
                    self.work_dir / f"providers-{aliases}", aliases, self.emulator.url, base.case.env_root
                )
                runner = planrun.CopyRunner(
                    self.toolchain,
                    base.case.catalog,
                    "local",
                    emulator=self.emulator,
                    work_dir=root / "run",
                    env_root=root,
                )
                planrun.timed(runner, self._init_args(runner))
                holder["runner"] = runner
            out = self.work_dir / f"providers-{aliases}" / "plan.tfplan"
            sample, _ = planrun.timed(holder["runner"], planrun.plan_args(out, refresh=False), self.emulator)
            return sample

        task = Task(
            f"plan of a root with {aliases} provider alias(es) and nothing else",
            run,
            lambda: 10.0 + 8.0 * aliases,
            self.repeats,
        )
        self.provider_tasks[aliases] = task
        return task

    # -- case plans ------------------------------------------------------------------------------
    def _plan_task(self, state: CaseState) -> Task:
        out = state.case.root / "plan.tfplan"

        def run() -> planrun.RunSample:
            sample, _ = planrun.timed(state.runner, planrun.plan_args(out, refresh=False), self.emulator)
            if state.plan is None:
                state.plan = planrun.show_json(state.runner, out)
                state.plan_json = out.with_suffix(".json")
                state.plan_json.write_text(json.dumps(state.plan), encoding="utf-8")
            return sample

        task = Task(
            f"plan {state.case.size.name} (empty state, -refresh=false)",
            run,
            lambda: self._estimate(state.case.size),
            self.repeats,
        )
        state.tasks["plan"] = task
        return task

    def _estimate(self, size: CaseSize) -> float:
        """Linear extrapolation along the case's series from the cases measured so far, never below the
        slowest of them (load noise can make a fit through two points slope downwards)."""
        for dimension in self.sizes.series(size):
            points = [
                (getattr(s, dimension), st.tasks["plan"].estimate())
                for s, st in self.cases.items()
                if st.tasks.get("plan") and st.tasks["plan"].samples and dimension in self.sizes.series(s)
            ]
            if points:
                intercept, slope = linear_fit(points)
                return max(intercept + slope * getattr(size, dimension), *(y for _, y in points))
        return DEFAULT_FIRST_ESTIMATE

    # -- flat baseline ---------------------------------------------------------------------------
    def _schemas_for(self, runner: planrun.CopyRunner) -> dict[str, Any]:
        if self._schemas is None:
            shown = runner.run(["providers", "schema", "-json"], capture=True, quiet=True)
            document = json.loads(shown.stdout)
            provider = document["provider_schemas"]["registry.terraform.io/hashicorp/aws"]
            self._schemas = {name: spec["block"] for name, spec in provider["resource_schemas"].items()}
        return self._schemas

    def _flat_task(self, state: CaseState) -> Task:
        holder: dict[str, Any] = {}

        def setup() -> planrun.CopyRunner:
            assert state.plan is not None
            root_dir = state.case.root / "flat"
            shutil.rmtree(root_dir, ignore_errors=True)
            root_dir.mkdir(parents=True)
            built = flat.build_flat_root(state.plan, self._schemas_for(state.runner))
            (root_dir / "main.tf.json").write_text(json.dumps(built.document, indent=1), encoding="utf-8")
            (root_dir / "variables.tf.json").write_text(json.dumps(flat.flat_variables(), indent=1), encoding="utf-8")
            for name in ("providers.tf.json", "versions.tf", ".terraform.lock.hcl", "backend.tf"):
                shutil.copy2(state.case.env_root / name, root_dir / name)
            runner = planrun.CopyRunner(
                self.toolchain,
                state.case.catalog,
                "local",
                emulator=self.emulator,
                work_dir=root_dir / "run",
                env_root=root_dir,
            )
            planrun.timed(runner, self._init_args(runner))
            holder["root"] = built
            return runner

        def run() -> planrun.RunSample:
            if "runner" not in holder:
                holder["runner"] = setup()
            out = state.case.root / "flat.tfplan"
            sample, _ = planrun.timed(holder["runner"], planrun.plan_args(out, refresh=False), self.emulator)
            if "resources" not in holder:
                holder["resources"] = planrun.managed_resource_count(planrun.show_json(holder["runner"], out))
            sample.extra.update(resources=holder["resources"], standins=holder["root"].standins)
            return sample

        def blocked() -> str | None:
            return None if state.plan is not None else "the case has no plan JSON (its plan did not run)"

        def estimate() -> float:
            plan_task = state.tasks["plan"]
            return 0.9 * plan_task.estimate() if plan_task.samples else DEFAULT_FIRST_ESTIMATE

        task = Task(f"flat baseline of {state.case.size.name}", run, estimate, self.repeats, blocked)
        state.tasks["flat"] = task
        return task

    # -- refresh ---------------------------------------------------------------------------------
    def _refresh_tasks(self, state: CaseState) -> list[Task]:
        work = state.case.root / "refresh"

        def apply() -> planrun.RunSample:
            runner = planrun.CopyRunner(
                self.toolchain,
                state.case.catalog,
                "local",
                emulator=self.emulator,
                work_dir=work,
                env_root=state.case.env_root,
            )
            planrun.timed(runner, self._init_args(runner))
            plan = work / "apply.tfplan"
            planrun.timed(runner, planrun.plan_args(plan, refresh=True, extra=localenv.EMULATOR_VARS), self.emulator)
            sample, _ = planrun.timed(
                runner, ["apply", "-input=false", "-no-color", "-auto-approve", str(plan)], self.emulator
            )
            listed = runner.run(["state", "list"], capture=True, quiet=True).stdout.split()
            sample.extra["resources_in_state"] = sum(
                1 for address in listed if ".data." not in address and not address.startswith("data.")
            )
            self._refresh_runner = runner
            return sample

        def on_state(refresh: bool) -> Callable[[], planrun.RunSample]:
            def run() -> planrun.RunSample:
                assert self._refresh_runner is not None
                out = work / f"state-{'refresh' if refresh else 'norefresh'}.tfplan"
                args = planrun.plan_args(out, refresh=refresh, extra=localenv.EMULATOR_VARS, detailed=True)
                sample, _ = planrun.timed(self._refresh_runner, args, self.emulator, ok_codes=(0, 2))
                if sample.exit_code == 2:
                    pending = planrun.pending_changes(planrun.show_json(self._refresh_runner, out))
                    sample.extra["pending_changes"] = [f"{'/'.join(a)} {addr}" for addr, a in pending]
                return sample

            return run

        def needs_state() -> str | None:
            return None if self._refresh_runner is not None else "no applied state (the apply did not run)"

        plan_estimate = state.tasks["plan"].estimate
        tasks = {
            "apply": Task(
                f"apply emulator subset of {state.case.size.name} (state for refresh)",
                apply,
                lambda: APPLY_FIRST_ESTIMATE,
                1,
            ),
            "refresh": Task(
                f"plan {state.case.size.name} on applied state, with refresh",
                on_state(True),
                plan_estimate,
                self.repeats,
                needs_state,
            ),
            "norefresh": Task(
                f"plan {state.case.size.name} on applied state, -refresh=false",
                on_state(False),
                plan_estimate,
                self.repeats,
                needs_state,
            ),
        }
        self.refresh_tasks = tasks
        return list(tasks.values())

    # -- results ---------------------------------------------------------------------------------
    def results(self) -> dict[str, Any]:
        rows = []
        for size, state in self.cases.items():
            plan_task = state.tasks["plan"]
            row: dict[str, Any] = {
                "case": size.name,
                "apis": size.apis,
                "tables": size.tables,
                "accounts": size.accounts,
                "series": self.sizes.series(size),
                "provider_aliases_declared": 3 + size.accounts,
                "init_seconds": round(state.init_seconds, 3),
                "resources": planrun.managed_resource_count(state.plan) if state.plan else None,
                "data_sources": planrun.data_source_count(state.plan) if state.plan else None,
                "plan": measurement(plan_task),
            }
            if "flat" in state.tasks:
                row["flat"] = measurement(state.tasks["flat"])
            rows.append(row)
        refresh = {name: measurement(task) for name, task in self.refresh_tasks.items()}
        startup = [{"aliases": count, "plan": measurement(task)} for count, task in self.provider_tasks.items()]
        return {
            "cases": rows,
            "refresh": refresh or None,
            "refresh_case": self.sizes.base.name,
            "provider_startup": startup,
        }


def measurement(task: Task) -> dict[str, Any]:
    """Summaries of a task's samples (wall, CPU, provider processes, emulator calls)."""
    samples = task.samples
    result: dict[str, Any] = {"task": task.key, **task.status()}
    if not samples:
        return result
    result.update(
        wall_seconds=summarize([s.wall_seconds for s in samples]).to_dict(),
        cpu_seconds=summarize([s.cpu_seconds for s in samples]).to_dict(),
        provider_cpu_seconds=_summary_dict([s.extra.get("provider_cpu_seconds") for s in samples]),
        emulator_cpu_seconds=_summary_dict([s.emulator_cpu_seconds for s in samples]),
        provider_processes=max(int(s.extra.get("provider_processes", 0)) for s in samples),
        api_calls=_summary_dict([s.api_calls for s in samples]),
        load_average=_summary_dict(task.loads),
        exit_codes=sorted({s.exit_code for s in samples}),
    )
    for key in ("resources", "standins", "resources_in_state", "pending_changes"):
        if key in samples[-1].extra:
            result[key] = samples[-1].extra[key]
    return result


def _summary_dict(values: Sequence[float | None]) -> dict[str, Any] | None:
    summary = maybe_summarize(values)
    return summary.to_dict() if summary else None
