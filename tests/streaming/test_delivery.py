"""Retry logic of the producer, with partial failures injected through a fake client."""

from __future__ import annotations

import random

import pytest
from botocore.exceptions import EndpointConnectionError

from platformctl.streaming.batching import MAX_RECORD_BYTES
from platformctl.streaming.delivery import (
    MISSING_RESPONSE,
    DeliveryReport,
    Pacer,
    RetryPolicy,
    deliver,
)

from .fakes import FakeFirehose, client_error, ok, partial


def payloads(n: int) -> list[bytes]:
    return [f'{{"n":{i}}}'.encode() for i in range(n)]


def run(client: FakeFirehose, data: list[bytes], **kwargs) -> tuple[DeliveryReport, list[float]]:  # type: ignore[no-untyped-def]
    sleeps: list[float] = []
    kwargs.setdefault("policy", RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=3.0))
    report = deliver(
        client,
        "dev-firehose-iceberg-events",
        data,
        sleep=sleeps.append,
        rng=random.Random(0),
        total=len(data),
        **kwargs,
    )
    return report, sleeps


def test_all_delivered_in_one_call_per_batch() -> None:
    client = FakeFirehose()
    report, sleeps = run(client, payloads(1200))
    assert [len(c) for c in client.calls] == [500, 500, 200]
    assert set(client.streams) == {"dev-firehose-iceberg-events"}
    assert (report.total, report.delivered, report.undelivered, report.calls) == (1200, 1200, 0, 3)
    assert report.retried_entries == 0 and sleeps == []
    assert report.bytes_delivered == sum(len(p) for p in payloads(1200))


def test_only_failed_entries_are_resent() -> None:
    data = payloads(10)
    flaky = {data[2], data[5], data[9]}

    def outcome(call: int, records: list[bytes]):  # type: ignore[no-untyped-def]
        return partial(records, flaky) if call == 1 else ok(records)

    client = FakeFirehose(outcome)
    report, sleeps = run(client, data)
    assert client.calls[0] == data
    assert client.calls[1] == [data[2], data[5], data[9]]
    assert report.delivered == 10 and report.undelivered == 0
    assert report.calls == 2 and report.retried_entries == 3
    assert len(sleeps) == 1


def test_retries_shrink_as_entries_succeed() -> None:
    data = payloads(6)
    # Call 1: 0,1,2 fail. Call 2: 1 and 2 still fail. Call 3: 2 still fails. Call 4: all done.
    failing_by_call = {1: set(data[:3]), 2: {data[1], data[2]}, 3: {data[2]}}

    def outcome(call: int, records: list[bytes]):  # type: ignore[no-untyped-def]
        return partial(records, failing_by_call.get(call, set()))

    client = FakeFirehose(outcome)
    report, _ = run(client, data)
    assert [len(c) for c in client.calls] == [6, 3, 2, 1]
    assert client.calls[3] == [data[2]]
    assert report.delivered == 6 and report.retried_entries == 6


def test_gives_up_after_max_attempts_and_reports_the_records() -> None:
    data = payloads(5)
    stubborn = {data[1], data[3]}
    client = FakeFirehose(lambda _call, records: partial(records, stubborn, code="InternalFailure"))
    report, sleeps = run(client, data, policy=RetryPolicy(max_attempts=3, base_delay=0.1, max_delay=1))
    assert report.calls == 3
    assert report.delivered == 3
    assert [(f.index, f.error_code) for f in report.failed] == [(1, "InternalFailure"), (3, "InternalFailure")]
    assert report.undelivered == 2
    assert report.error_counts() == {"InternalFailure": 2}
    assert len(sleeps) == 2


def test_backoff_is_exponential_with_full_jitter_and_capped() -> None:
    policy = RetryPolicy(max_attempts=8, base_delay=0.5, max_delay=3.0)
    rng = random.Random(1)
    for retry, cap in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (7, 3.0)]:
        samples = [policy.backoff(retry, rng) for _ in range(200)]
        assert all(0 <= s <= cap for s in samples)
        assert max(samples) > cap * 0.8  # jitter spreads over the whole window


def test_sleeps_stay_within_the_backoff_window() -> None:
    client = FakeFirehose(lambda _call, records: partial(records, set(records)))
    _, sleeps = run(client, payloads(2), policy=RetryPolicy(max_attempts=5, base_delay=0.5, max_delay=1.5))
    assert len(sleeps) == 4
    for retry, slept in enumerate(sleeps, start=1):
        assert 0 <= slept <= min(1.5, 0.5 * 2 ** (retry - 1))


def test_throttled_call_is_retried_whole() -> None:
    data = payloads(4)

    def outcome(call: int, records: list[bytes]):  # type: ignore[no-untyped-def]
        return client_error("ServiceUnavailableException", 503) if call == 1 else ok(records)

    client = FakeFirehose(outcome)
    report, sleeps = run(client, data)
    assert client.calls == [data, data]
    assert report.delivered == 4 and report.undelivered == 0 and len(sleeps) == 1


def test_connection_errors_are_retried() -> None:
    def outcome(call: int, records: list[bytes]):  # type: ignore[no-untyped-def]
        return EndpointConnectionError(endpoint_url="https://firehose") if call < 3 else ok(records)

    report, _ = run(FakeFirehose(outcome), payloads(3))
    assert report.delivered == 3 and report.calls == 3


def test_non_retryable_error_stops_and_counts_everything_undelivered() -> None:
    data = payloads(1100)

    def outcome(call: int, records: list[bytes]):  # type: ignore[no-untyped-def]
        return ok(records) if call == 1 else client_error("ResourceNotFoundException")

    client = FakeFirehose(outcome)
    report, sleeps = run(client, data)
    assert report.calls == 2 and sleeps == []
    assert report.delivered == 500
    assert len(report.failed) == 500 and {f.error_code for f in report.failed} == {"ResourceNotFoundException"}
    assert report.not_attempted == 100
    assert report.undelivered == 600
    assert report.aborted and "ResourceNotFoundException" in report.aborted


def test_missing_request_responses_count_as_failures() -> None:
    # moto answers PutRecordBatch for Iceberg streams with an empty RequestResponses list.
    client = FakeFirehose(lambda _call, _records: {"FailedPutCount": 0, "RequestResponses": []})
    report, _ = run(client, payloads(3), policy=RetryPolicy(max_attempts=2, base_delay=0, max_delay=0))
    assert report.delivered == 0
    assert {f.error_code for f in report.failed} == {MISSING_RESPONSE}


def test_oversize_record_stops_the_run_and_is_reported() -> None:
    data = [*payloads(3), b"x" * (MAX_RECORD_BYTES + 1), *payloads(2)]
    client = FakeFirehose()
    report, _ = run(client, data)
    assert client.calls == []  # the first batch never left: the bad record was in it
    assert [(f.index, f.error_code) for f in report.failed] == [(3, "RecordTooLarge")]
    assert report.not_attempted == 2
    assert report.aborted and "1,000 KiB" in report.aborted


def test_progress_callback_sees_every_record_settle() -> None:
    data = payloads(700)
    failing = {data[0], data[650]}
    client = FakeFirehose(lambda call, records: partial(records, failing) if call in (1, 2) else ok(records))
    settled: list[int] = []
    report, _ = run(client, data, on_settled=settled.append)
    assert sum(settled) == 700 == report.delivered


def test_pacer_spaces_batches_at_the_rate() -> None:
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    pacer = Pacer(10.0, clock=lambda: now[0], sleep=sleep)
    assert pacer.batch_size() == 10
    client = FakeFirehose()
    deliver(client, "s", payloads(35), pacer=pacer, sleep=lambda _s: None, rng=random.Random(0))
    assert [len(c) for c in client.calls] == [10, 10, 10, 5]
    assert sleeps == [1.0, 1.0, 1.0]


def test_pacer_without_rate_uses_full_batches() -> None:
    assert Pacer(None).batch_size() == 500
    assert Pacer(0.5).batch_size() == 1
    assert Pacer(10_000).batch_size() == 500
    with pytest.raises(ValueError):
        Pacer(0)


def test_invalid_policy_is_refused() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
