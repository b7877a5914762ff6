from __future__ import annotations

import pytest

from platformctl.streaming.batching import (
    MAX_BYTES_PER_CALL,
    MAX_RECORD_BYTES,
    MAX_RECORDS_PER_CALL,
    RecordTooLargeError,
    batches,
)


def test_limits_are_the_firehose_limits() -> None:
    assert MAX_RECORDS_PER_CALL == 500
    assert MAX_BYTES_PER_CALL == 4 * 1024 * 1024
    assert MAX_RECORD_BYTES == 1000 * 1024


def test_split_by_record_count() -> None:
    result = list(batches(b"x" for _ in range(1201)))
    assert [len(b) for b in result] == [500, 500, 201]
    assert [e.index for b in result for e in b] == list(range(1201))


def test_split_by_bytes() -> None:
    # Five records of 1,000 KiB: four fit in 4 MiB (4,096,000 <= 4,194,304 bytes), the fifth does not.
    record = b"a" * MAX_RECORD_BYTES
    result = list(batches([record] * 5))
    assert [len(b) for b in result] == [4, 1]
    assert all(sum(len(e.data) for e in b) <= MAX_BYTES_PER_CALL for b in result)


def test_byte_limit_is_inclusive() -> None:
    result = list(batches([b"a" * 100, b"b" * 100, b"c"], max_bytes=200, max_record_bytes=200))
    assert [[e.data[:1] for e in b] for b in result] == [[b"a", b"b"], [b"c"]]


def test_record_at_the_limit_is_accepted() -> None:
    result = list(batches([b"z" * MAX_RECORD_BYTES]))
    assert len(result) == 1


def test_oversize_record_is_an_error_naming_it() -> None:
    payloads = [b"ok", b"y" * (MAX_RECORD_BYTES + 1)]
    with pytest.raises(RecordTooLargeError) as error:
        list(batches(payloads))
    assert error.value.index == 1
    assert "1,024,001 bytes" in str(error.value)


def test_smaller_batches_on_request() -> None:
    assert [len(b) for b in batches((b"x" for _ in range(7)), max_records=3)] == [3, 3, 1]


def test_invalid_batch_size_is_refused() -> None:
    with pytest.raises(ValueError):
        list(batches([b"x"], max_records=501))


def test_empty_input_gives_no_batches() -> None:
    assert list(batches([])) == []
