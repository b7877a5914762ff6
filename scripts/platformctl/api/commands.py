"""`platformctl api ...`: what a service team does to an API outside Terraform.

Each workflow lives in its own module and registers its command or sub-group here, so the
`api` area stays one import for the CLI's lazy loader.
"""

from __future__ import annotations

import click


@click.group()
def group() -> None:
    """Bootstrap a new API, and issue, list or revoke consumer API keys."""


from platformctl.api import bootstrap as _bootstrap  # noqa: E402, F401  (`api new` registers itself on group)
from platformctl.api import keys as _keys  # noqa: E402, F401  (`api keys` registers itself on group)
