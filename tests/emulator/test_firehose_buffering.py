"""Buffering hints: when a stream's buffer is due, and the background flusher delivering without a flush."""

from __future__ import annotations

import json
import time

import pytest

from platformctl.emulator.control import Emulator
from platformctl.emulator.firehose_buffer import MIB, Buffered, BufferingHints, StreamBuffer
from platformctl.emulator.firehose_delivery import FirehoseIcebergEngine
from platformctl.streaming import emulator_delivery
from tests.emulator.test_firehose_iceberg_delivery import DB, _client, _record, create_stream_and_tables


def _stream(hints: dict[str, int] | None) -> dict:
    iceberg = {"BufferingHints": hints} if hints is not None else {}
    return {"DeliveryStreamName": "s", "Destinations": [{"IcebergDestinationDescription": iceberg}]}


def test_hints_come_from_the_iceberg_destination_and_default_to_the_api_defaults() -> None:
    assert BufferingHints.from_iceberg_description({"BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60}}) == (
        BufferingHints(MIB, 60.0)
    )
    assert BufferingHints.from_iceberg_description({}) == BufferingHints(5 * MIB, 300.0)


def test_a_buffer_is_due_at_its_size_or_its_interval_whichever_comes_first() -> None:
    buffer = StreamBuffer("1", "r", "k", _stream({"SizeInMBs": 1, "IntervalInSeconds": 60}), opened_at=100.0)
    buffer.add(Buffered(b"x" * (MIB - 1), 0, "1"))
    assert not buffer.is_due(159.9)
    assert buffer.is_due(160.0)
    buffer.add(Buffered(b"x", 0, "2"))
    assert buffer.is_due(100.0)
    assert buffer.due_at() == 160.0


def test_an_interval_of_zero_is_due_at_once() -> None:
    buffer = StreamBuffer("1", "r", "k", _stream({"SizeInMBs": 1, "IntervalInSeconds": 0}), opened_at=5.0)
    assert buffer.is_due(5.0)


def test_the_flusher_thread_starts_and_stops_with_the_engine() -> None:
    engine = FirehoseIcebergEngine("http://127.0.0.1:1", tick_seconds=0.05)
    engine.start()
    assert engine.running and engine.status()["flusher"] is True
    assert engine.close(timeout=5)
    assert not engine.running


@pytest.fixture
def hinted(private_emulator: Emulator) -> Emulator:
    private_emulator.reset()
    create_stream_and_tables(private_emulator, buffering={"SizeInMBs": 1, "IntervalInSeconds": 1})
    return private_emulator


def _wait_until_idle(emulator: Emulator, seconds: float) -> dict:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        current = emulator_delivery.status(emulator.url)
        if current["buffered"] == 0 and current["delivering"] == 0:
            return current
        time.sleep(0.1)
    raise AssertionError(f"still buffering after {seconds} s: {current}")


def test_records_are_delivered_when_the_interval_hint_passes_without_a_flush(hinted: Emulator) -> None:
    records = [_record(i, "firehose_events_2") for i in range(40)]
    _client("firehose", hinted).put_record_batch(DeliveryStreamName="s", Records=records)
    assert emulator_delivery.status(hinted.url)["buffered"] == 40
    final = _wait_until_idle(hinted, 20)
    assert final["delivered"] == {f"{DB}.firehose_events_2": 40} and final["failed"] == 0


def test_records_are_delivered_when_the_size_hint_is_reached(private_emulator: Emulator) -> None:
    private_emulator.reset()
    create_stream_and_tables(private_emulator, buffering={"SizeInMBs": 1, "IntervalInSeconds": 900})
    padding = "p" * 10_000
    batch = [
        {"Data": json.dumps({"type": {"event": "firehose_events_2"}, "customer_id": padding + str(i)}).encode()}
        for i in range(110)
    ]
    _client("firehose", private_emulator).put_record_batch(DeliveryStreamName="s", Records=batch)
    final = _wait_until_idle(private_emulator, 20)
    assert final["delivered"] == {f"{DB}.firehose_events_2": 110}


def test_wait_delivered_flushes_and_reports_the_totals(private_emulator: Emulator) -> None:
    private_emulator.reset()
    create_stream_and_tables(private_emulator)
    records = [_record(i, "firehose_events_1") for i in range(10)] + [_record(0, "elsewhere")]
    _client("firehose", private_emulator).put_record_batch(DeliveryStreamName="s", Records=records)
    final = emulator_delivery.wait_delivered(private_emulator.url, timeout=60)
    assert final["delivered"] == {f"{DB}.firehose_events": 10} and final["failed"] == 1


def test_wait_delivered_names_the_endpoint_it_cannot_reach() -> None:
    with pytest.raises(emulator_delivery.DeliveryWaitError, match=r"127\.0\.0\.1:9"):
        emulator_delivery.wait_delivered("http://127.0.0.1:9", timeout=1)


def test_the_server_stops_its_flusher_and_exits_cleanly_on_sigterm(tmp_path) -> None:
    import signal
    import subprocess
    import sys

    from tests.conftest import free_port

    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "platformctl.emulator.server", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT
    )
    try:
        emulator = Emulator("127.0.0.1", port, tmp_path)
        deadline = time.monotonic() + 30
        while not emulator.is_ready():
            assert time.monotonic() < deadline and server.poll() is None, "the server did not start"
            time.sleep(0.2)
        assert emulator_delivery.status(emulator.url)["flusher"] is True
        server.send_signal(signal.SIGTERM)
        # 0, not -SIGTERM: the handler shut the server down and joined the flusher thread.
        assert server.wait(timeout=15) == 0
    finally:
        if server.poll() is None:
            server.kill()
        log.close()
