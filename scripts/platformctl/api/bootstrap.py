"""`platformctl api new NAME --owner TEAM`: a new API's catalog entry and spec skeleton, checked before written.

The new files are first laid over a temporary copy of config/ and the whole catalog is loaded from
there, so a taken name, spec path or base path is refused with the catalog's own problem messages;
the catalog is rendered to tfvars and the spec linted with the current rules, all in that copy.
Only then are both files written to the repository, in one transaction (platformctl.transaction).
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import click
from rich.console import Console
from rich.text import Text

from platformctl import generate, transaction
from platformctl.api.commands import group
from platformctl.api.skeleton import NewApi, entry_text, environment_settings, spec_text
from platformctl.catalog import load_catalog
from platformctl.catalog.loader import Catalog
from platformctl.errors import CatalogError, CatalogProblem, PlatformError, UsageError

_console = Console(highlight=False, soft_wrap=True)
# Enough to keep the name inside config/apis/; the catalog's own Slug rule then says what is allowed.
_SAFE_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def _taken(root: Path, request: NewApi) -> list[CatalogProblem]:
    problems = []
    if (root / request.entry_path).exists():
        reason = f"the API {request.name!r} is already in the catalog; choose another name"
        problems.append(CatalogProblem(request.entry_path, "", reason))
    if (root / request.spec_path).exists():
        problems.append(
            CatalogProblem(request.spec_path, "", "a spec with this path already exists; choose another API name")
        )
    return problems


def check_in_copy(config_dir: Path, files: dict[str, str], environments: tuple[str, ...]) -> Catalog:
    """Load, render and lint the catalog with `files` (repository-relative) added; raise on any problem."""
    from platformctl.openapi.catalog_specs import lint_catalog

    with tempfile.TemporaryDirectory(prefix="platformctl-api-new-") as scratch:
        copy = Path(scratch)
        shutil.copytree(config_dir, copy / "config", symlinks=False)
        for relative, content in files.items():
            target = copy / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        try:
            catalog = load_catalog(copy / "config")
        except CatalogError as error:
            # The catalog's own messages, as they are. A clash is reported against whichever entry sorts
            # second, which may be an existing one: say which new file causes it.
            problems = list(error.problems)
            if not any(problem.file in files for problem in problems):
                entry = next(iter(files))
                problems.append(CatalogProblem(entry, "", "the new entry causes the problem(s) above; change it"))
            raise CatalogError(problems) from None
        # What `make tfvars` renders, in memory, for the environments the entry adds the API to.
        generate.render_all(catalog, envs=environments)
        _, findings = lint_catalog(copy)  # what `make lint-openapi` reports
        errors = [f for f in findings if f.is_error]
        if errors:
            raise PlatformError(
                "the generated spec does not pass the OpenAPI linter (please report this):\n"
                + "\n".join(str(f) for f in errors)
            )
        return catalog


def bootstrap(root: Path, config_dir: Path, request: NewApi) -> list[Path]:
    """Write the entry and spec of `request`; return the written paths. Nothing is written on any problem."""
    if not _SAFE_FILE_NAME.match(request.name):
        raise UsageError(f"{request.name!r} cannot be a file name under config/apis/; use e.g. payments or my-api")
    catalog = load_catalog(config_dir)
    taken = _taken(root, request)
    if taken:
        raise CatalogError(taken)
    settings = [environment_settings(catalog, request, env) for env in request.environments]
    files = {request.entry_path: entry_text(request, settings), request.spec_path: spec_text(request)}
    check_in_copy(config_dir, files, request.environments)
    return transaction.write({root / path: content for path, content in files.items()}, root)


@group.command("new")
@click.argument("name")
@click.option("--owner", required=True, help="Owning team or its e-mail address (the entry's owner).")
@click.option(
    "--backend",
    default=None,
    metavar="HOST[:PORT][/PATH]",
    help="The NLB behind the VPC link, without scheme. Default in the emulator: NAME.local.internal.example.com.",
)
@click.option(
    "--base-path",
    default=None,
    metavar="v1/NAME",
    help="Base path on the environment's shared API domain (default v1/NAME).",
)
@click.option("--description", default=None, help="One sentence on what the API offers.")
@click.option(
    "--env",
    "environments",
    multiple=True,
    default=("local",),
    show_default=True,
    help="Environment to deploy to (repeatable). Real environments need --backend and --vpc-link-id.",
)
@click.option("--vpc-link-id", default=None, help="REST API VPC link id (default in the emulator: derived from NAME).")
@click.option(
    "--authorizer-arn",
    default=None,
    help="Lambda authorizer ARN (default: the one the environment's other APIs share).",
)
def new(
    name: str,
    owner: str,
    backend: str | None,
    base_path: str | None,
    description: str | None,
    environments: tuple[str, ...],
    vpc_link_id: str | None,
    authorizer_arn: str | None,
) -> None:
    """Bootstrap API NAME: config/apis/NAME.yaml and specs/NAME.yaml, passing `make tfvars` and `make lint-openapi`."""
    from platformctl.paths import CONFIG_DIR, ROOT

    if backend is not None and backend.startswith("https://"):
        backend = backend.removeprefix("https://")
    request = NewApi(
        name=name,
        owner=owner,
        description=description or f"The {name} API (bootstrapped; describe what it offers).",
        environments=tuple(dict.fromkeys(environments)),
        backend=backend,
        base_path=base_path,
        vpc_link_id=vpc_link_id,
        authorizer_arn=authorizer_arn,
    )
    written = bootstrap(ROOT, CONFIG_DIR, request)
    for path in written:
        _console.print(Text(f"wrote {path.relative_to(ROOT)}"))
    _console.print(
        Text(
            f"next: make tfvars && make lint-openapi SPEC={request.spec_path}, then replace the skeleton's /items "
            "operations with the API's own and commit both files"
        )
    )
