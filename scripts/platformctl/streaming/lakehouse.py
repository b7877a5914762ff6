"""An environment's deployed lakehouse, found from the resolved model and the streams' own descriptions.

The model (`EnvironmentInputs.lakehouse`) names the streams (deployed as `<env>-<key>`) and tables; the
Glue database, the error bucket and the error prefixes are what Terraform deployed, so they are read
from DescribeDeliveryStream rather than recomputed. Row counts go through pyiceberg (Glue catalog, S3
data files), error objects through ListObjectsV2: the same public APIs on the emulator and on AWS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError

from platformctl.catalog.inputs import EnvironmentInputs
from platformctl.errors import PlatformError, UsageError
from platformctl.streaming.query import TableFiles, table_files


@dataclass(frozen=True)
class DeployedTable:
    database: str
    table: str
    stream: str


@dataclass(frozen=True)
class DeployedLakehouse:
    streams: tuple[str, ...]
    tables: tuple[DeployedTable, ...]
    error_bucket: str | None
    error_prefixes: tuple[str, ...]  # the static part of each stream's ErrorOutputPrefix

    def table(self, name: str) -> DeployedTable:
        for table in self.tables:
            if table.table == name:
                return table
        known = ", ".join(t.table for t in self.tables) or "none"
        raise UsageError(f"table {name!r} is not a table of this environment's streams (known: {known})")


def stream_names(inputs: EnvironmentInputs) -> list[str]:
    """Deployed names of the model's streams (modules/platform passes the environment as name_prefix)."""
    return [f"{inputs.environment}-{key}" for key in sorted(inputs.lakehouse.streams)]


def data_session(inputs: EnvironmentInputs, endpoint_url: str | None, purpose: str) -> boto3.Session:
    """A session in the data account (streams, Glue, buckets) through the deploy role, as Terraform reaches it."""
    from platformctl.awssession import AccountAccess

    return AccountAccess.for_env(inputs, endpoint_url).session(inputs.accounts.data, purpose)


def s3_properties(session: boto3.Session, endpoint_url: str | None) -> dict[str, str]:
    """pyiceberg FileIO properties carrying the session's credentials (and the emulator endpoint)."""
    properties = {"s3.region": session.region_name or ""}
    if endpoint_url:
        properties["s3.endpoint"] = endpoint_url
    credentials = session.get_credentials()
    if credentials is not None:
        frozen = credentials.get_frozen_credentials()
        properties["s3.access-key-id"] = frozen.access_key
        properties["s3.secret-access-key"] = frozen.secret_key
        if frozen.token:
            properties["s3.session-token"] = frozen.token
    return properties


def _static_prefix(prefix: str) -> str:
    return prefix.split("!{", 1)[0]


def locate(inputs: EnvironmentInputs, firehose: Any) -> DeployedLakehouse:
    """Every stream of the model as deployed; raises PlatformError naming a stream that is not deployed."""
    return locate_streams(firehose, stream_names(inputs), f"the {inputs.environment} catalog")


def locate_streams(firehose: Any, names: list[str], owner: str = "the environment") -> DeployedLakehouse:
    """The tables, error bucket and error prefixes of deployed streams, from their descriptions."""
    tables: list[DeployedTable] = []
    buckets: set[str] = set()
    prefixes: list[str] = []
    for name in names:
        try:
            description = firehose.describe_delivery_stream(DeliveryStreamName=name)["DeliveryStreamDescription"]
        except ClientError as exc:
            error = exc.response.get("Error", {})
            if error.get("Code") == "ResourceNotFoundException":
                raise PlatformError(f"stream {name} of {owner} is not deployed: apply the environment first") from exc
            # AccessDenied, an expired token, throttling: not "not deployed", so say what AWS said.
            raise PlatformError(
                f"describing stream {name} failed: {error.get('Code', 'error')}: {error.get('Message', exc)}"
            ) from exc
        except BotoCoreError as exc:
            raise PlatformError(f"describing stream {name} failed: {exc}") from exc
        for destination in description.get("Destinations") or []:
            iceberg = destination.get("IcebergDestinationDescription")
            if iceberg is None:
                continue
            for config in iceberg.get("DestinationTableConfigurationList") or []:
                tables.append(DeployedTable(config["DestinationDatabaseName"], config["DestinationTableName"], name))
            s3 = iceberg.get("S3DestinationDescription") or iceberg.get("S3Configuration") or {}
            if s3.get("BucketARN"):
                buckets.add(s3["BucketARN"].split(":::")[-1])
            if s3.get("ErrorOutputPrefix"):
                prefixes.append(_static_prefix(s3["ErrorOutputPrefix"]))
    bucket = sorted(buckets)[0] if len(buckets) == 1 else None
    return DeployedLakehouse(tuple(names), tuple(tables), bucket, tuple(sorted(set(prefixes))))


def error_object_count(s3: Any, lakehouse: DeployedLakehouse) -> int:
    """Objects under the streams' error prefixes (each holds one or more Firehose error records)."""
    if lakehouse.error_bucket is None:
        return 0
    paginator = s3.get_paginator("list_objects_v2")
    total = 0
    for prefix in lakehouse.error_prefixes or ("",):
        for page in paginator.paginate(Bucket=lakehouse.error_bucket, Prefix=prefix):
            total += len(page.get("Contents") or [])
    return total


@dataclass(frozen=True)
class TableCount:
    table: DeployedTable
    files: TableFiles


def table_counts(glue: Any, lakehouse: DeployedLakehouse, properties: dict[str, str]) -> list[TableCount]:
    """Rows and data files of every deployed table's current snapshot."""
    return [TableCount(t, table_files(glue, t.database, t.table, properties)) for t in lakehouse.tables]


@dataclass(frozen=True)
class EnvLakehouse:
    """Clients, FileIO properties and the deployed lakehouse of one environment's data account."""

    inputs: EnvironmentInputs
    endpoint_url: str | None
    session: boto3.Session
    lakehouse: DeployedLakehouse

    def client(self, service: str, config: Any = None) -> Any:
        return self.session.client(service, endpoint_url=self.endpoint_url, config=config)

    @property
    def properties(self) -> dict[str, str]:
        return s3_properties(self.session, self.endpoint_url)

    def counts(self) -> list[TableCount]:
        return table_counts(self.client("glue"), self.lakehouse, self.properties)

    def error_objects(self) -> int:
        return error_object_count(self.client("s3"), self.lakehouse)


def open_env(inputs: EnvironmentInputs, endpoint_url: str | None, purpose: str) -> EnvLakehouse:
    session = data_session(inputs, endpoint_url, purpose)
    firehose = session.client("firehose", endpoint_url=endpoint_url)
    return EnvLakehouse(inputs, endpoint_url, session, locate(inputs, firehose))


def delivered_buckets(target: EnvLakehouse) -> list[str]:
    """The warehouse bucket(s) of the tables (from their Glue locations) and the error bucket."""
    glue = target.client("glue")
    buckets = {target.lakehouse.error_bucket} if target.lakehouse.error_bucket else set()
    for table in target.lakehouse.tables:
        location = glue.get_table(DatabaseName=table.database, Name=table.table)["Table"]["StorageDescriptor"]
        buckets.add(location["Location"].removeprefix("s3://").split("/", 1)[0])
    return sorted(buckets)


def empty_buckets(s3: Any, buckets: list[str]) -> int:
    """Delete every object version and delete marker (what delivery wrote; Terraform manages none of them).

    Only for the emulator: a destroy of a non-empty bucket fails (BucketNotEmpty), as it should on AWS."""
    removed = 0
    for bucket in buckets:
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=bucket):
            doomed = [
                {"Key": v["Key"], "VersionId": v["VersionId"]}
                for v in (page.get("Versions") or []) + (page.get("DeleteMarkers") or [])
            ]
            for start in range(0, len(doomed), 1000):
                s3.delete_objects(Bucket=bucket, Delete={"Objects": doomed[start : start + 1000], "Quiet": True})
            removed += len(doomed)
    return removed
