"""Runtime configuration, read from FLOWSUITE_* environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

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


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
