"""When to try again something that failed: an IT webhook delivery, the IT
hand-off email."""

BACKOFF_FIRST_SECONDS = 60
BACKOFF_MAX_SECONDS = 3600


def backoff_seconds(attempts):
    """Delay before the next try after ``attempts`` failed tries: 1, 2, 4 …
    minutes, at most one hour."""
    return min(BACKOFF_FIRST_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
