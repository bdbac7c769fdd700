"""Logs: the request id of every line, the access line, text or JSON lines, for flowsuite's and uvicorn's loggers.

The request id lives in a context variable set by the outermost ASGI layer (core.asgi) for each request;
work the pipeline hands to worker threads sees it too, since anyio runs that work in a copy of the caller's
context. A filter on the one log handler copies it onto every record, whichever logger wrote it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import os
import re
from contextvars import ContextVar
from typing import Any

import orjson

from flowsuite.settings import Settings

# The id of the request being served, "-" outside of one (start-up, shutdown).
REQUEST_ID: ContextVar[str] = ContextVar("flowsuite_request_id", default="-")

# A caller's X-Request-Id is kept when it is a sane token: it goes into log lines and back into a header, so
# nothing that could break either (spaces, quotes, control characters) and nothing long.
_SANE_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:@+=/-]{1,128}").fullmatch

# The logger of the access lines (one per request, when FLOWSUITE_ACCESS_LOG is on).
access_log = logging.getLogger("flowsuite.access")

# What an access line carries besides its message, as attributes of the record (JSON keys).
ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "client")


# A new request's id: 8 random hex digits fixed per process, then a counter, so ids differ across the
# workers and machines of one deployment without a system call per request.
_PROCESS_PREFIX = os.urandom(4).hex()
_SERIAL = itertools.count(1)


def request_id_of(headers: list[tuple[bytes, bytes]]) -> bytes:
    """The caller's X-Request-Id when it is a sane token, else a new one (16 hex digits)."""
    for name, value in headers:
        if name == b"x-request-id":
            if _SANE_REQUEST_ID(value):
                return value
            break
    return f"{_PROCESS_PREFIX}{next(_SERIAL) & 0xFFFFFFFF:08x}".encode()


class RequestIdFilter(logging.Filter):
    """Puts the current request id on every record as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id; an access line's fields;
    the traceback of an exception as `exception`."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
        }
        for name in ACCESS_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        return orjson.dumps(line).decode()


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(settings: Settings) -> dict[str, Any]:
    """The `logging.config.dictConfig` of a server (uvicorn applies it in each worker): one handler on stderr,
    in the format of FLOWSUITE_LOG_FORMAT, for flowsuite's, uvicorn's and every other library's loggers."""
    level = settings.log_level.upper()
    formatter: dict[str, Any] = (
        {"()": "flowsuite.core.logs.JsonFormatter"} if settings.log_format == "json" else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "flowsuite.core.logs.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "default",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["default"], "level": "WARNING"},
        "loggers": {
            "flowsuite": {"level": level},
            "uvicorn": {"level": level},
            "uvicorn.error": {"level": level},
            # The access switch is explicit: its lines are written whatever the level of the others.
            "flowsuite.access": {"level": "INFO"},
            # uvicorn's own access line carries the query string (where ITFlow's and iFlow's keys travel) and no
            # duration: flowsuite writes its own (core.asgi), and uvicorn's stays off.
            "uvicorn.access": {"level": "WARNING", "propagate": False},
        },
    }
