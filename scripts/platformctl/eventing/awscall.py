"""One AWS call of an operator command, with AWS's error turned into words for the CLI edge."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from platformctl.errors import PlatformError, UsageError


def call(method: Callable[..., Any], what: str, failure: type[PlatformError], missing: Collection[str],
         **kwargs: Any) -> Any:
    """`method(**kwargs)`; a code in `missing` means the environment is not applied (a usage error),
    any other AWS error is `failure` naming `what` was being done."""
    from botocore.exceptions import ClientError

    try:
        return method(**kwargs)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        message = error.response.get("Error", {}).get("Message", str(error))
        if code in missing:
            raise UsageError(f"{what} does not exist: is the environment applied? ({message})") from error
        raise failure(f"{what}: {code or 'error'}: {message}") from error
