"""Which gates `make test` runs, and which of them may run side by side.

The end-to-end suite spends part of its wall time waiting on the AWS provider's fixed delays
(about 25 s per SQS queue, 55 s per S3 lifecycle configuration) against its own emulator on a
free port; the other gates are CPU-bound and share nothing with it but the source tree. So four
lanes that keep both cores busy: the cheap checks and the unit tests (early-failing first), the
`terraform test` runs, e2e, and `policy` followed by the plan-JSON tests. `tf-test` has a lane of
its own because it runs two modules at a time: in one lane with `unit` the two took 529 s of the
longest lane's 543 (docs/performance.md), and the run ended on the single-threaded unit suite with
a core idle; beside the others it soaks up whatever CPU they leave and still finishes early. The
offline plans of the four envs are made once, by whichever gate gets to an env first (`policy`, or
e2e for local): the plan cache is keyed by content and a lock makes the other wait and reuse it.

`validate` comes last in its lane: Terraform validates an env root before it plans it, so by then
the offline plans have validated the env roots (plancache marks them in validate's pass cache) and
`validate` runs only what no plan covered. A broken root still fails early, in the first plan.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lane:
    name: str
    stages: tuple[str, ...]


CHECKS = Lane("checks", ("fmt-check", "tfvars-check", "docs-check", "lint", "unit", "validate"))
MODULE_TESTS = Lane("tf-test", ("tf-test",))
END_TO_END = Lane("e2e", ("e2e",))
POLICY = Lane("policy", ("policy", "plan-tests"))
TEST_LANES: tuple[Lane, ...] = (CHECKS, MODULE_TESTS, END_TO_END, POLICY)

# A gate is `make <gate>`, except the two halves of pytest, split as the CI jobs split them: the
# plan-JSON tests run after `policy`, in its lane, when the plans they read are made, and the rest
# runs in the checks lane without waiting for a plan.
_MAKE_ARGS = {
    "unit": ("unit", "PYTEST_ARGS=--ignore=tests/plans"),
    "plan-tests": ("unit", "PYTEST_ARGS=tests/plans"),
}


def make_command(stage: str) -> list[str]:
    return ["make", "--no-print-directory", *_MAKE_ARGS.get(stage, (stage,))]


def every_stage(lanes: tuple[Lane, ...]) -> list[str]:
    return [stage for lane in lanes for stage in lane.stages]


def select(lanes: tuple[Lane, ...], only: tuple[str, ...]) -> tuple[Lane, ...]:
    """The lanes restricted to the named stages (in lane order); unknown names are an error."""
    if not only:
        return lanes
    known = every_stage(lanes)
    unknown = [name for name in only if name not in known]
    if unknown:
        raise ValueError(f"no gate named {', '.join(unknown)} (gates: {', '.join(known)})")
    chosen = [Lane(lane.name, tuple(s for s in lane.stages if s in only)) for lane in lanes]
    return tuple(lane for lane in chosen if lane.stages)
