"""Page data of the warehouse: capacity, usage limits and their cost at the dated list price.

Only the price table (data/prices.json) knows money. A region without a recorded price gets no
amount at all: the page says so instead of borrowing another region's price.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from platformctl.catalog.inputs import EnvironmentInputs
from platformctl.portal.sources import PortalInputs


@dataclass(frozen=True)
class Price:
    per_rpu_hour: float
    currency: str
    as_of: str
    source: str
    excludes: str


def rpu_hour_price(prices: Mapping[str, Any], region: str) -> Price | None:
    entry = (prices.get("redshift_serverless_rpu_hour") or {}).get(region)
    if entry is None:
        return None
    return Price(
        per_rpu_hour=float(entry["price"]),
        currency=str(prices["currency"]),
        as_of=str(prices["as_of"]),
        source=str(entry["source"]),
        excludes=str(prices.get("excludes", "")),
    )


@dataclass(frozen=True)
class LimitRow:
    period: str
    rpu_hours: int
    breach_action: str
    cost: str | None  # at list price, for one period


@dataclass(frozen=True)
class WarehouseEnvironment:
    env: str
    region: str
    data_account: str
    namespace: str
    database: str
    external_schema: str
    capacity: str
    base_cost_per_hour: str | None
    max_cost_per_hour: str | None
    max_query_seconds: int
    limits: tuple[LimitRow, ...]
    datasharing: str | None
    alarms: tuple[tuple[str, str], ...]
    protected: bool
    price: Price | None
    deployed_workgroup: str | None


def money(amount: float, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def warehouse_environment(
    env: EnvironmentInputs, prices: Mapping[str, Any], outputs: Mapping[str, Any] | None
) -> WarehouseEnvironment:
    w = env.warehouse
    price = rpu_hour_price(prices, env.region)
    capacity = w.capacity
    if capacity.base_capacity is not None:
        described = f"base {capacity.base_capacity} RPU, at most {capacity.max_capacity} RPU"
    else:
        described = f"price-performance target {capacity.price_performance_level}, at most {capacity.max_capacity} RPU"

    def cost(rpu_hours: float) -> str | None:
        return money(rpu_hours * price.per_rpu_hour, price.currency) if price else None

    alarms = w.alarms
    return WarehouseEnvironment(
        env=env.environment,
        region=env.region,
        data_account=env.accounts.data,
        namespace=f"{env.environment}-{w.name}",
        database=w.db_name,
        external_schema=w.external_schema_name,
        capacity=described,
        base_cost_per_hour=cost(capacity.base_capacity) if capacity.base_capacity is not None else None,
        max_cost_per_hour=cost(capacity.max_capacity),
        max_query_seconds=w.max_query_execution_time,
        limits=tuple(LimitRow(u.period, u.amount, u.breach_action, cost(u.amount)) for u in w.usage_limits),
        datasharing=None
        if w.cross_region_datasharing_limit is None
        else f"{w.cross_region_datasharing_limit.amount} TB {w.cross_region_datasharing_limit.period}, "
        f"then {w.cross_region_datasharing_limit.breach_action}",
        alarms=(
            ("At max capacity", f"{alarms.capacity_at_max_periods} period(s) of 30 min at {capacity.max_capacity} RPU"),
            ("Failed queries", f"more than {alarms.queries_failed_threshold} in 5 min"),
            (
                "Queued queries",
                f"more than {alarms.queries_queued_threshold} for {alarms.queries_queued_periods} period(s) of 5 min",
            ),
            ("Usage limit", f"at {alarms.usage_limit_percent} % of an emit-metric limit"),
        ),
        protected=w.protected,
        price=price,
        deployed_workgroup=((outputs or {}).get("warehouse") or {}).get("workgroup_name"),
    )


def warehouse_environments(inputs: PortalInputs) -> list[WarehouseEnvironment]:
    return [
        warehouse_environment(env, inputs.prices, inputs.state(name).outputs)
        for name, env in inputs.environments.items()
    ]
