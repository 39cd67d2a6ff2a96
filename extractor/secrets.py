"""Secrets out of every line the tool or its libraries print: logs, warnings, errors, outputs.

The key is registered once, when the model backend is built; from then on every log record of
every library (the record factory, so no logger or handler can be missed) is rendered and
redacted as it is made, warnings go through logging, and `redact` serves the tool's own error
lines and the model's answers (a server may echo the key back in either).
"""

from __future__ import annotations

import logging
import re
from typing import Any

_TOKEN_LIKE = re.compile(r"(sk-|Bearer\s+)[A-Za-z0-9_\-]{6,}")
_secrets: set[str] = set()
_installed = False


def redact(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, "***")
    return _TOKEN_LIKE.sub(r"\1***", text)


def register(secret: str | None) -> None:
    """Redact this value from now on (too short a value would blank ordinary words: ignored)."""
    if secret and len(secret) >= 6:
        _secrets.add(secret)
        _install()


def _install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    previous = logging.getLogRecordFactory()
    formatter = logging.Formatter()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            record.msg, record.args = redact(record.getMessage()), None
        except Exception:  # a malformed log call is the library's problem: keep it, redacted as text
            record.msg, record.args = redact(str(record.msg)), None
        if record.exc_info:
            record.exc_text = redact(formatter.formatException(record.exc_info))
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return record

    logging.setLogRecordFactory(factory)
    logging.captureWarnings(True)  # library warnings (instructor's hook errors) carry messages too
