"""One hop's retries: transient failures and 429/502/503/504 are tried again, with backoff.

It exists to keep the waiting rules in one place: exponential backoff with jitter (so many
workers retrying one host do not hit it in lockstep), a server's Retry-After honoured up to
`max_retry_after` (longer is an error, not a wait), and a status that never recovered returned
as a response, its status saying it.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from cxlint.fetch.errors import FetchFailure
from cxlint.fetch.options import FetchOptions
from cxlint.fetch.wire import Reply
from cxlint.model import Hop

RETRY_STATUSES = frozenset({429, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})

Attempt = Callable[[str, dict[str, str] | None], Awaitable[Reply]]


async def send_with_retries(
    attempt_once: Attempt,
    url: str,
    headers: dict[str, str] | None,
    *,
    options: FetchOptions,
    stats: dict[str, int],
) -> tuple[Reply, int]:
    """One hop's final reply and how many attempts it took (`stats["retries"]` counts)."""
    attempt = 0
    while True:
        attempt += 1
        last = attempt > options.retries
        try:
            reply = await attempt_once(url, headers)
        except FetchFailure as failure:
            if not failure.retryable or last:
                failure.attempts = attempt
                if attempt > 1:
                    failure.message = f"gave up after {attempt} attempts: {failure.message}"
                raise
            delay = _backoff(options, attempt)
        else:
            if reply.status not in RETRY_STATUSES or last:
                # A status that never recovered is still a response: its status says it.
                return reply, attempt
            delay = _retry_delay(options, reply, attempt)
        stats["retries"] += 1
        await asyncio.sleep(delay)


def _backoff(options: FetchOptions, attempt: int) -> float:
    # Jitter keeps many workers retrying the same host from hitting it in lockstep.
    return options.backoff * 2 ** (attempt - 1) * random.uniform(1.0, 1.2)


def _retry_delay(options: FetchOptions, reply: Reply, attempt: int) -> float:
    """How long to wait before retrying a 429/5xx, honouring Retry-After."""
    wait = None
    if reply.status in RETRY_AFTER_STATUSES:
        wait = parse_retry_after(reply.headers.get("retry-after"))
    if wait is None:
        return _backoff(options, attempt)
    if wait > options.max_retry_after:
        failure = FetchFailure(
            "retry-after-too-long",
            f"HTTP {reply.status}: the server asked to retry after {wait:.0f} s, "
            f"longer than the {options.max_retry_after:g} s cxlint waits",
            hop=Hop(reply.url, reply.status, None, reply.elapsed),
        )
        failure.attempts = attempt
        raise failure
    return wait


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds to wait: delta-seconds or an HTTP date; None when unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds else None  # NaN is unreadable
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
