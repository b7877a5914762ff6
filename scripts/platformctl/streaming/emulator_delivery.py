"""Flush the emulator's Firehose buffers and wait until every accepted record is committed or failed.

Only the embedded emulator has these endpoints (scripts/platformctl/emulator/compat.py): real Firehose
delivers on its own schedule and offers no flush.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from platformctl.emulator.compat import FIREHOSE_FLUSH_PATH, FIREHOSE_STATUS_PATH
from platformctl.errors import PlatformError

DEFAULT_TIMEOUT_SECONDS = 120.0


class DeliveryWaitError(PlatformError):
    """The emulator did not finish delivering in time, or cannot be asked."""


def _call(url: str, method: str, timeout: float) -> dict[str, Any]:
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return dict(json.loads(response.read()))
    except urllib.error.HTTPError as exc:
        raise DeliveryWaitError(f"{method} {url} answered HTTP {exc.code}: is this the platformctl emulator?") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise DeliveryWaitError(f"{method} {url} failed: {exc}") from exc


def flush(endpoint_url: str, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> dict[str, Any]:
    """Deliver every buffer now; answers {"delivered": {"db.table": n}, "failed": n} for this flush."""
    return _call(f"{endpoint_url}{FIREHOSE_FLUSH_PATH}", "POST", timeout)


def status(endpoint_url: str) -> dict[str, Any]:
    """{"buffered": n, "delivering": n, "delivered": {"db.table": n}, "failed": n, "flusher": bool}."""
    return _call(f"{endpoint_url}{FIREHOSE_STATUS_PATH}", "GET", 30)


def wait_delivered(
    endpoint_url: str,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    *,
    poll_seconds: float = 0.2,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """Flush, then poll until nothing is buffered or being delivered; the final status.

    A delivery the background flusher started before the flush finishes after it, hence the poll;
    records that arrive meanwhile (another producer) are flushed too."""
    deadline = clock() + timeout
    flush(endpoint_url, timeout)
    while True:
        current = status(endpoint_url)
        if current["buffered"] == 0 and current["delivering"] == 0:
            return current
        if clock() >= deadline:
            raise DeliveryWaitError(
                f"the emulator at {endpoint_url} still holds {current['buffered']} buffered and "
                f"{current['delivering']} in-delivery record(s) after {timeout:.0f} s; see its log "
                "(build/emulator/moto-<port>.log)"
            )
        if current["buffered"]:
            flush(endpoint_url, max(1.0, deadline - clock()))
        else:
            sleep(poll_seconds)
