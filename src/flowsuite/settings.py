"""Runtime configuration, read from FLOWSUITE_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Everything an operator can set; each field is FLOWSUITE_<NAME> in the environment."""

    model_config = SettingsConfigDict(env_prefix="FLOWSUITE_", env_file=None)

    database_url: str = "sqlite:///flowsuite.db"
    # The server secret keys the hashes of API keys and wraps the data keys that protect stored
    # credentials. Given directly, or kept in a file that is created (mode 0600) on first use.
    secret_key: str | None = None
    secret_key_file: Path = Path("flowsuite.secret")
    # Request bodies above this size are refused before they are parsed.
    max_body_bytes: int = 1_048_576
    # The largest page a list read may ask for with `limit`.
    max_page_size: int = 10_000
    # How often (seconds) a credential's last-used time is written; reads must not write every time.
    last_used_resolution_seconds: int = 60
    # Failed authentications are audited at most once per window per face and address, the next row counting
    # the ones in between: a flood of bad keys must not become a flood of writes. 0 audits every attempt.
    failed_auth_audit_seconds: int = 60
    log_level: str = "info"
    # Log lines as text, or as one JSON object each (time, level, logger, message, request_id; and an access
    # line's method, path, status, duration_ms, client).
    log_format: Literal["text", "json"] = "text"
    # One line per request (method, path without its query string, status, duration), at any log level.
    access_log: bool = False
    # When set, /metrics answers only requests with `Authorization: Bearer <token>`, from any address;
    # when not, it answers loopback callers only.
    metrics_token: str | None = None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
