"""The event-source check (verify/eventing.check_trail) against moto's CloudTrail, and the runner's choice of
trail per event-source mode. Every API call is read-only: the check never changes a trail."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from platformctl.verify.eventing import check_trail
from platformctl.verify.model import Status

REGION = "eu-west-1"


@pytest.fixture
def cloudtrail() -> Iterator[Any]:
    with mock_aws():
        boto3.client("s3", region_name=REGION).create_bucket(
            Bucket="trail-logs", CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield boto3.client("cloudtrail", region_name=REGION)


def make_trail(cloudtrail: Any, *, logging: bool = True, **settings: Any) -> str:
    arguments = {"IsMultiRegionTrail": True, "IsOrganizationTrail": True, "IncludeGlobalServiceEvents": True}
    arn = cloudtrail.create_trail(Name="org", S3BucketName="trail-logs", **{**arguments, **settings})["TrailARN"]
    if logging:
        cloudtrail.start_logging(Name=arn)
    return arn


class ReadOnly:
    """Passes reads through and records every call, so a test can prove the check changes nothing."""

    def __init__(self, client: Any) -> None:
        self.client, self.calls = client, []

    def __getattr__(self, name: str) -> Any:
        self.calls.append(name)
        return getattr(self.client, name)


def test_logging_multi_region_organization_trail_passes(cloudtrail: Any) -> None:
    arn = make_trail(cloudtrail)
    reader = ReadOnly(cloudtrail)
    result = check_trail(reader, arn, organization=True, read_only_forwarded=False)
    assert result.status is Status.PASS, result
    assert "logging organization trail, every Region from eu-west-1" in result.reason
    assert set(reader.calls) == {"describe_trails", "get_trail_status", "get_event_selectors"}


def test_a_trail_that_stopped_logging_fails(cloudtrail: Any) -> None:
    arn = make_trail(cloudtrail, logging=False)
    result = check_trail(cloudtrail, arn, organization=True, read_only_forwarded=False)
    assert result.status is Status.FAIL
    assert result.reason.startswith("it is not logging")


def test_single_region_account_trail_fails_every_problem_listed(cloudtrail: Any) -> None:
    arn = make_trail(cloudtrail, IsMultiRegionTrail=False, IsOrganizationTrail=False, IncludeGlobalServiceEvents=False)
    result = check_trail(cloudtrail, arn, organization=True, read_only_forwarded=False)
    assert result.status is Status.FAIL
    problems = [result.reason, *result.details]
    assert any("records eu-west-1 only" in p for p in problems)
    assert any("global service events" in p for p in problems)
    assert any("not an organization trail" in p for p in problems)


@pytest.mark.parametrize(
    ("selectors", "read_only_forwarded", "missing"),
    [
        ({"EventSelectors": [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}]}, False, "write"),
        ({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False}]}, False, "write"),
        ({"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]}, True, "read"),
        (
            {
                "AdvancedEventSelectors": [
                    {
                        "Name": "reads",
                        "FieldSelectors": [
                            {"Field": "eventCategory", "Equals": ["Management"]},
                            {"Field": "readOnly", "Equals": ["true"]},
                        ],
                    }
                ]
            },
            False,
            "write",
        ),
        (
            {
                "AdvancedEventSelectors": [
                    {
                        "Name": "data only",
                        "FieldSelectors": [
                            {"Field": "eventCategory", "Equals": ["Data"]},
                            {"Field": "resources.type", "Equals": ["AWS::S3::Object"]},
                        ],
                    }
                ]
            },
            False,
            "write",
        ),
    ],
)
def test_selectors_that_leave_out_forwarded_management_events_fail(
    cloudtrail: Any, selectors: dict[str, Any], read_only_forwarded: bool, missing: str
) -> None:
    arn = make_trail(cloudtrail)
    cloudtrail.put_event_selectors(TrailName=arn, **selectors)
    result = check_trail(cloudtrail, arn, organization=True, read_only_forwarded=read_only_forwarded)
    assert result.status is Status.FAIL
    assert f"leave out {missing} management events" in result.reason


@pytest.mark.parametrize(
    "selectors",
    [
        {"EventSelectors": [{"ReadWriteType": "WriteOnly", "IncludeManagementEvents": True}]},
        {
            "AdvancedEventSelectors": [
                {
                    "Name": "writes",
                    "FieldSelectors": [
                        {"Field": "eventCategory", "Equals": ["Management"]},
                        {"Field": "readOnly", "Equals": ["false"]},
                    ],
                }
            ]
        },
    ],
)
def test_write_management_events_are_enough_when_reads_are_dropped(cloudtrail: Any, selectors: dict[str, Any]) -> None:
    arn = make_trail(cloudtrail)
    cloudtrail.put_event_selectors(TrailName=arn, **selectors)
    assert check_trail(cloudtrail, arn, organization=True, read_only_forwarded=False).status is Status.PASS
    assert check_trail(cloudtrail, arn, organization=True, read_only_forwarded=True).status is Status.FAIL


def test_a_missing_trail_fails_with_the_consequence(cloudtrail: Any) -> None:
    result = check_trail(
        cloudtrail, "arn:aws:cloudtrail:eu-west-1:123456789012:trail/nope", organization=True, read_only_forwarded=False
    )
    assert result.status is Status.FAIL
    assert "EventBridge gets no CloudTrail events" in result.reason


# -- the runner picks the trail of each event-source mode ----------------------------------------------------


def runner_trail_results(env: str, setup: Any = None) -> list[Any]:
    from platformctl.awssession import AccountAccess
    from platformctl.catalog import load_inputs
    from platformctl.verify.runner import Clients, _trail_checks

    inputs = load_inputs(env)
    with mock_aws():
        access = AccountAccess(inputs.region, inputs.partition, inputs.deploy_role_name)
        if setup is not None:
            setup(inputs, access)
        return [result for results in _trail_checks(inputs, Clients(access)) for result in results]


def trail_in(access: Any, account: str, name: str, region: str, **settings: Any) -> None:
    session = access.session(account)
    bucket = f"{name}-logs"
    session.client("s3", region_name=region).create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": region}
    )
    cloudtrail = session.client("cloudtrail", region_name=region)
    arn = cloudtrail.create_trail(
        Name=name, S3BucketName=bucket, IsMultiRegionTrail=True, IncludeGlobalServiceEvents=True, **settings
    )["TrailARN"]
    cloudtrail.start_logging(Name=arn)


def test_local_skips_with_the_catalogs_reason() -> None:
    [result] = runner_trail_results("local")
    assert result.status is Status.SKIP
    assert "not applied on the emulator" in result.reason and "moto" in result.reason


def test_per_account_trails_are_checked_in_every_source_account() -> None:
    def setup(inputs: Any, access: Any) -> None:
        trail_in(access, inputs.accounts.sources[0], "staging-account-trail", inputs.region)

    [result] = runner_trail_results("staging", setup)
    assert result.status is Status.PASS, result
    assert result.name.startswith("trail staging-account-trail in 220000000011: logging, multi-Region")


def test_a_source_account_without_its_trail_fails() -> None:
    [result] = runner_trail_results("staging")
    assert result.status is Status.FAIL
    assert "no trail staging-account-trail is visible" in result.reason


def test_the_platform_organization_trail_is_checked_in_the_central_account() -> None:
    def setup(inputs: Any, access: Any) -> None:
        trail_in(access, inputs.accounts.central, "prod-organization-trail", inputs.region, IsOrganizationTrail=True)

    [result] = runner_trail_results("prod", setup)
    assert result.status is Status.PASS, result
    assert "organization" in result.name


def test_the_existing_trail_is_read_in_its_own_region() -> None:
    # dev names arn:aws:cloudtrail:eu-west-1:210000000000:trail/acme-organization-trail; nothing exists in moto.
    [result] = runner_trail_results("dev")
    assert result.status is Status.FAIL
    assert "acme-organization-trail" in result.reason
