"""The resolved catalog as the portal reads it, without plans or outputs unless a test adds them."""

from __future__ import annotations

import pytest

from platformctl.catalog import Catalog, resolve_all
from platformctl.paths import ROOT
from platformctl.portal.sources import PortalInputs, load_prices, parsed_specs


@pytest.fixture(scope="session")
def portal_inputs(catalog: Catalog) -> PortalInputs:
    return PortalInputs(
        catalog=catalog, environments=resolve_all(catalog), prices=load_prices(), specs=parsed_specs(ROOT, catalog)
    )
