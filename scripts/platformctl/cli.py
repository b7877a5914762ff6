"""platformctl: the one CLI entry point. The Makefile calls these subcommands."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.text import Text

from platformctl import generate, localenv, tfroots, transaction
from platformctl.catalog import Catalog, load_catalog, resolve
from platformctl.catalog.base import ENV_NAMES
from platformctl.emulator.control import Emulator
from platformctl.errors import CatalogError, PlatformError, UsageError
from platformctl.paths import BUILD_DIR, CONFIG_DIR, ENVS_DIR, MODULES_DIR, ROOT, env_build_dir
from platformctl.tfrun import EnvRunner, TerraformError, check_env_name
from platformctl.toolchain import Toolchain, ensure_toolchain

console = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
F = TypeVar("F", bound=Callable[..., Any])


def _catalog() -> Catalog:
    return load_catalog(CONFIG_DIR)


def _runner(env: str, offline: bool = False) -> EnvRunner:
    check_env_name(env)
    return EnvRunner(ensure_toolchain(), resolve(_catalog(), env), offline=offline)


class AreaGroup(click.Group):
    """The top-level group: area command groups are imported only when named.

    Every `platformctl` call used to import all eight areas (boto3, matplotlib, the spec validator),
    about 0.3 s before any work; now a command pays only for its own area."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *AREA_GROUPS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in AREA_GROUPS and cmd_name not in self.commands:
            from importlib import import_module

            self.add_command(import_module(AREA_GROUPS[cmd_name]).group, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=AreaGroup, context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Data and API platform: catalog, emulator, Terraform runs, linters, gates and checks."""


# -- toolchain ---------------------------------------------------------------------------------
@cli.group()
def toolchain() -> None:
    """The offline-capable Terraform toolchain."""


@toolchain.command("cli-config")
def toolchain_cli_config() -> None:
    """Check terraform and write the repo's CLI config; print its path (for TF_CLI_CONFIG_FILE)."""
    click.echo(ensure_toolchain().cli_config)


# -- emulator ----------------------------------------------------------------------------------
@cli.group()
def emulator() -> None:
    """The embedded local AWS (moto server on 127.0.0.1)."""


@emulator.command("start")
def emulator_start() -> None:
    """Start the emulator unless it is already running (idempotent)."""
    emu = Emulator.from_env()
    started = emu.start()
    console.print(f"emulator {'started' if started else 'already running'} on {emu.url} (pid {emu.pid()})")


@emulator.command("stop")
def emulator_stop() -> None:
    """Stop the emulator this repo started (by its PID)."""
    emu = Emulator.from_env()
    console.print("emulator stopped" if emu.stop() else "emulator was not running")


@emulator.command("reset")
def emulator_reset() -> None:
    """Drop every resource in every emulated account, and the local state that described them."""
    emu = Emulator.from_env()
    emu.reset()
    for path in env_build_dir("local").glob("terraform.tfstate*"):
        path.unlink()
    console.print(f"emulator on {emu.url} reset; local state discarded")


@emulator.command("status")
def emulator_status() -> None:
    """Print the emulator's URL, PID and readiness as JSON; exit 1 when it is not running."""
    status = Emulator.from_env().status()
    click.echo(json.dumps(status, indent=2))
    if not status["ready"]:
        sys.exit(1)


# -- catalog -----------------------------------------------------------------------------------
@cli.group()
def catalog() -> None:
    """The platform catalog in config/ and the env inputs generated from it."""


@catalog.command("validate")
def catalog_validate() -> None:
    """Validate every catalog file; print every problem as file:line: key.path: reason."""
    loaded = _catalog()
    # The same work as `generate`, in memory: whatever validate accepts, generate can write.
    files = generate.render_all(loaded)
    console.print(
        f"catalog OK: {len(loaded.sources)} files, environments {', '.join(loaded.environments)}; "
        f"renders {sum(content is not None for content in files.values())} generated files"
    )


@catalog.command("generate")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any generated file is stale or missing.")
def catalog_generate(check: bool) -> None:
    """Render every generated Terraform input (envs/<env>/ and modules/platform/catalog.tf.json)."""
    files = generate.render_all(_catalog())
    if check:
        result = transaction.check(files, ROOT)
        for label, paths in (("stale", result.stale), ("missing", result.missing), ("left over", result.leftovers)):
            for path in paths:
                err.print(Text(f"{label}: {path.relative_to(ROOT)}"))
        if result.leftovers:
            raise PlatformError(
                "an interrupted `catalog generate` left staged files or its journal: run `make tfvars` to finish it"
            )
        if not result.ok:
            raise PlatformError("generated env inputs are out of date with config/: run `make tfvars` and commit")
        console.print(f"generated env inputs are up to date ({len(files)} files)")
        return
    changed = transaction.write(files, ROOT)
    for path in changed:
        console.print(Text(f"wrote {path.relative_to(ROOT)}"))
    console.print(f"{len(changed)} of {len(files)} generated files changed")


# -- terraform ---------------------------------------------------------------------------------
@cli.group()
def tf() -> None:
    """Terraform in the env roots (init, plan, apply, destroy, fmt, validate)."""


def _env_option(func: F) -> F:
    func = click.option("--offline", is_flag=True, help="Plan against the emulator without AWS credentials.")(func)
    return click.argument("env")(func)


@tf.command("plan")
@_env_option
def tf_plan(env: str, offline: bool) -> None:
    """Write build/<env>/plan.tfplan and plan.json (and, for local, the emulator plan)."""
    runner = _runner(env, offline)
    with runner.session():
        runner.init()
        runner.plan(runner.build / localenv.REFERENCE_PLAN)
        if runner.is_emulator_env:
            runner.plan(runner.build / localenv.EMULATOR_PLAN, extra=localenv.EMULATOR_VARS)
    console.print(f"plan written to build/{env}/plan.tfplan and build/{env}/plan.json")


@tf.command("plan-offline")
@click.argument("envs", nargs=-1)
def tf_plan_offline(envs: tuple[str, ...]) -> None:
    """Plan each env (default: all) from empty state against the emulator; print the plan JSON paths.

    Cached by the digest of config/, modules/ and the env root, so gates and tests share plans."""
    from platformctl.emulator.control import private_emulator
    from platformctl.plancache import cached_plan, offline_plan

    loaded = _catalog()
    with ExitStack() as stack:
        emulator: Emulator | None = None  # one private emulator for all the plans not cached yet
        for env in envs or ENV_NAMES:
            check_env_name(env)
            if emulator is None and not cached_plan(env).is_file():
                emulator = stack.enter_context(private_emulator())
            click.echo(offline_plan(loaded, env, emulator))


@tf.command("apply")
@click.argument("env")
def tf_apply(env: str) -> None:
    """Apply the saved plan of `make plan ENV=<env>` (for local: the emulator plan)."""
    runner = _runner(env)
    name = localenv.EMULATOR_PLAN if runner.is_emulator_env else localenv.REFERENCE_PLAN
    with runner.session():
        runner.init()
        runner.apply(runner.build / name)
        if runner.is_emulator_env:
            localenv.record_state_boot(runner)
        _write_outputs(runner)


def _write_outputs(runner: EnvRunner) -> dict[str, Any]:
    """build/<env>/outputs.json in `terraform output -json` shape: what verify and the checks read."""
    document = runner.outputs_document()
    (runner.build / "outputs.json").write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    return document


@tf.command("destroy")
@click.argument("env")
def tf_destroy(env: str) -> None:
    """Destroy everything in the env (for local: what the emulator holds)."""
    runner = _runner(env)
    with runner.session():
        runner.init()
        if runner.is_emulator_env:
            removed = localenv.empty_delivered_data(runner.inputs, runner.emulator.url)
            console.print(f"lakehouse: removed {removed} delivered object version(s) so the buckets can go")
        runner.destroy(localenv.EMULATOR_VARS if runner.is_emulator_env else ())


@tf.command("fmt")
@click.option("--check", is_flag=True, help="Exit 1 if any file needs formatting.")
def tf_fmt(check: bool) -> None:
    """terraform fmt over modules/ and envs/."""
    toolchain_ = ensure_toolchain()
    args = [toolchain_.terraform, "fmt", "-recursive"] + (["-check", "-diff"] if check else [])
    result = subprocess.run([*args, "modules", "envs"], cwd=ROOT, env=toolchain_.env(), check=False)
    if result.returncode != 0:
        raise PlatformError("terraform fmt found unformatted files: run `make fmt`" if check else "fmt failed")


NO_CACHE_VARIABLE = "PLATFORM_NO_CACHE"


def _init_and_run(toolchain_: Toolchain, roots: list[Path], command: list[str], label: str) -> None:
    """`command` in every root, a few at a time (tfroots); one line per root as it finishes, and
    the failures with their output. Fails at the end, so one broken root hides no other. A root
    whose content (with the local modules it calls) passed unchanged last time is not run again."""
    jobs = tfroots.parallel_jobs()

    def env_for(root: Path) -> dict[str, str]:
        return {**toolchain_.env(), "TF_DATA_DIR": str(BUILD_DIR / label / root.name / ".terraform")}

    def report(result: tfroots.RootResult) -> None:
        rel = result.root.relative_to(ROOT)
        if result.returncode:
            err.print(Text.assemble(("FAIL", "red"), f" {rel} ({result.seconds:.0f}s)\n{result.output}"))
        else:
            console.print(Text.assemble(("ok", "green"), f"   {rel}: {result.last_line} ({result.seconds:.0f}s)"))

    history = BUILD_DIR / label / "durations.json"
    cache = tfroots.PassCache.for_label(label)
    salt = tfroots.run_salt(toolchain_.flavour, toolchain_.version, command)
    digests = {root: tfroots.content_digest(root, salt) for root in roots}
    fresh = [root for root in roots if os.environ.get(NO_CACHE_VARIABLE) or not cache.hit(root, digests[root])]
    for root in sorted(set(roots) - set(fresh)):
        console.print(Text.assemble(("ok", "green"), f"   {root.relative_to(ROOT)}: unchanged since it last passed "
                                    f"(cached; {NO_CACHE_VARIABLE}=1 to rerun)"))
    ordered = tfroots.longest_first(fresh, history)
    results = tfroots.run_in_roots(toolchain_.terraform, ordered, command, env_for=env_for, jobs=jobs, on_result=report)
    tfroots.record_durations(results, history)
    cache.record(results, digests)
    failed = [str(result.root.relative_to(ROOT)) for result in results if result.returncode]
    if failed:
        raise PlatformError(f"terraform {command[0]} failed in {', '.join(failed)}")


def _module_roots() -> list[Path]:
    return sorted(p for p in MODULES_DIR.iterdir() if (p / "versions.tf").is_file())


def _needs_caller_providers(module: Path) -> bool:
    return "configuration_aliases" in (module / "versions.tf").read_text(encoding="utf-8")


@tf.command("validate")
def tf_validate() -> None:
    """terraform validate in every env root and every module without tests (without backends).

    A module that declares provider configuration_aliases cannot be validated on its own (Terraform
    asks for the aliased providers); it is validated through every env root that calls it."""
    modules = [m for m in _module_roots() if not _needs_caller_providers(m)]
    for skipped in sorted(set(_module_roots()) - set(modules)):
        console.print(f"[dim]--   {skipped.relative_to(ROOT)}: validated through envs/* (needs aliased providers)[/]")
    # `terraform test` validates a module's configuration before every run it plans, so validating
    # a module that has tests again here costs a provider start and proves nothing more.
    tested = [m for m in modules if (m / "tests").is_dir()]
    for module in tested:
        console.print(f"[dim]--   {module.relative_to(ROOT)}: validated by its terraform tests (make tf-test)[/]")
    untested = [m for m in modules if m not in tested]
    _init_and_run(ensure_toolchain(), untested + [ENVS_DIR / name for name in ENV_NAMES], ["validate"], "validate")


@tf.command("test")
@click.argument("modules", nargs=-1)
def tf_test(modules: tuple[str, ...]) -> None:
    """terraform test (mock providers) in every module that has tests/, or in the named ones."""
    roots = [p for p in _module_roots() if (p / "tests").is_dir()]
    unknown = set(modules) - {p.name for p in roots}
    if unknown:
        raise UsageError(f"no module with tests named {', '.join(sorted(unknown))}")
    chosen = [p for p in roots if not modules or p.name in modules]
    toolchain_ = ensure_toolchain()
    if toolchain_.flavour == "opentofu":
        for module in [m for m in chosen if tfroots.uses_mock_sources(m)]:
            console.print(f"[yellow]SKIP[/] {module.relative_to(ROOT)}: its tests share mock data through "
                          "mock_provider `source`, which tofu test does not support (docs/opentofu.md)")
            chosen.remove(module)
    _init_and_run(toolchain_, chosen, ["test"], "tftest")


@cli.group()
def docs() -> None:
    """Generated documentation."""


@docs.command("modules")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a module README's tables are out of date.")
def docs_modules(check: bool) -> None:
    """Render the inputs/outputs tables of every module README from its variables.tf and outputs.tf."""
    from platformctl import moduledocs

    files = {root / "README.md": moduledocs.render_readme(root) for root in _module_roots()}
    result = transaction.check(files, ROOT)
    if check:
        for path in result.stale + result.missing:
            err.print(f"stale: {path.relative_to(ROOT)}")
        if not result.ok:
            raise PlatformError("module README tables are out of date: run `make docs` and commit")
        console.print(f"module READMEs are up to date ({len(files)} modules)")
        return
    for path in transaction.write(files, ROOT):
        console.print(f"wrote {path.relative_to(ROOT)}")


# -- local -------------------------------------------------------------------------------------
@cli.group()
def local() -> None:
    """The embedded default environment."""


@local.command("up")
def local_up() -> None:
    """Start the emulator, generate inputs, plan in full, apply the emulator subset, summarise.

    When nothing changed since the last apply, the reference plan is reused and only the emulator
    plan runs."""
    from platformctl.plancache import inputs_digest

    loaded = _catalog()
    changed = transaction.write(generate.render_all(loaded), ROOT)
    for path in changed:
        console.print(f"catalog: wrote {path.relative_to(ROOT)}")
    runner = EnvRunner(ensure_toolchain(), resolve(loaded, "local"))
    step = localenv.step
    with step(console, "emulator: start (or reuse the running one)"):
        runner.emulator.start()  # idempotent: session() below finds it running
    with runner.session():
        console.print(f"emulator: {runner.emulator.url}")
        if localenv.discard_stale_state(runner):
            console.print("emulator restarted since the last apply: discarded the stale local state")
        with step(console, "terraform init"):
            runner.init()
        digest = inputs_digest("local")
        reused = localenv.unchanged_since_apply(runner, digest)
        if reused:
            console.rule("reference plan: unchanged since the last apply (same inputs, emulator boot and state)")
        else:
            with step(console, "reference plan (everything, as a real environment plans it)"):
                runner.plan(runner.build / localenv.REFERENCE_PLAN, extra=("-compact-warnings",), quiet=True)
        emulator_plan = runner.build / localenv.EMULATOR_PLAN
        with step(console, "emulator plan (what moto can run)"):
            pending = runner.plan(emulator_plan, extra=(*localenv.EMULATOR_VARS, "-compact-warnings"),
                                  detailed_exitcode=True, quiet=True)
        emulator_json, compared = emulator_plan.with_suffix(".json"), runner.build / localenv.COMPARED_PLAN
        if not reused:
            shutil.copyfile(emulator_json, compared)
        summary = localenv.summarise(localenv.load(runner.build / "plan.json"), localenv.load(emulator_json),
                                     basis=localenv.load(compared))
        if pending == 2:
            with step(console, "apply", live=False):
                runner.apply(emulator_plan)
        localenv.record_state_boot(runner)
        localenv.record_applied(runner, digest)
        document = _write_outputs(runner)
    _print_local_summary(summary, {name: value["value"] for name, value in document.items()}, applied=pending == 2)
    localenv.run_delivery_demo(console, runner.inputs, runner.emulator.url)


def _print_local_summary(summary: localenv.PlanSummary, outputs: dict[str, Any], applied: bool) -> None:
    console.rule("local environment")
    console.print("[bold]Outputs[/] (also in build/local/outputs.json)")
    console.print_json(json.dumps(outputs))
    if applied:
        created = sum(summary.creates.values())
        console.print(f"[bold]Applied[/]: {created} created, {sum(summary.updates.values())} updated, "
                      f"{sum(summary.deletes.values())} destroyed")
        for rtype, count in sorted(summary.creates.items()):
            console.print(f"  + {count:3d} {rtype}")
    else:
        console.print("[bold green]No changes.[/] The emulator already matches the catalog.")
    console.print(f"[bold]Left out of the emulator apply[/] ({len(summary.left_out)} resources, planned in "
                  f"build/local/plan.json):")
    by_reason: dict[str, list[str]] = {}
    for address, reason in summary.left_out.items():
        by_reason.setdefault(reason, []).append(address)
    for reason, addresses in by_reason.items():
        console.print(f"  - {reason}:")
        for address in addresses:
            console.print(f"      {address}")
    if summary.differs:
        console.print(f"[bold]Applied with emulator settings[/] ({len(summary.differs)} resources the reference plan "
                      f"would update, because what they depend on is left out):")
        for address in summary.differs:
            console.print(f"      {address}")
    console.print("[bold]Known emulator gaps[/] (covered by plan JSON tests, policies or opt-in real-AWS tests):")
    for gap in localenv.KNOWN_GAPS:
        console.print(f"  - {gap}")


# Area command groups live next to their code (scripts/platformctl/<area>/commands.py).
AREA_GROUPS: dict[str, str] = {
    "openapi": "platformctl.openapi.commands",
    "streaming": "platformctl.streaming.commands",
    "warehouse": "platformctl.warehouse.commands",
    "eventing": "platformctl.eventing.commands",
    "policy": "platformctl.policy.commands",
    "ci": "platformctl.ci.commands",
    "verify": "platformctl.verify.commands",
    "bench": "platformctl.bench.commands",
    "api": "platformctl.api.commands",
    "portal": "platformctl.portal.commands",
    "gates": "platformctl.gates.commands",
}


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        err.print("aborted")
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except CatalogError as exc:
        for problem in exc.problems:
            # User text (paths, values, reasons) is never read as markup.
            err.print(Text.assemble(("error", "red"), f": {problem}"), soft_wrap=True)
        err.print(f"{len(exc.problems)} problem(s) in the catalog; nothing was written")
        sys.exit(exc.exit_code)
    except TerraformError as exc:
        err.print(Text.assemble(("error", "red"), f": {exc}"), soft_wrap=True)
        sys.exit(exc.exit_code)
    except PlatformError as exc:
        err.print(Text.assemble(("error", "red"), f": {exc}"), soft_wrap=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":
    main()
