"""Secrets that travel in a URL never reach the logs.

An invitation link and a password-reset link carry a secret in their path. Django's CSRF
warning, the portal's own security log and axes log the request path, so every handler runs
this filter: it rewrites a log line's text with each pattern in ``settings.LOG_REDACT``
(a regex whose first group is kept, the rest of the match replaced by "…").
"""

import functools
import logging
import re

from django.conf import settings


@functools.cache
def _compiled(patterns: tuple[str, ...]) -> list[re.Pattern]:
    return [re.compile(pattern) for pattern in patterns]


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        patterns = _compiled(tuple(getattr(settings, "LOG_REDACT", ())))
        if not patterns:
            return True
        message = record.getMessage()
        redacted = message
        for pattern in patterns:
            redacted = pattern.sub(lambda match: f"{match.group(1)}…", redacted)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
