"""What a running server holds: settings, the database and the server secret."""

from __future__ import annotations

from dataclasses import dataclass, field

from flowsuite.core.db import Database
from flowsuite.core.secrets import ServerSecret
from flowsuite.settings import Settings
from flowsuite.tenancy.service import LastUseTracker


@dataclass
class Runtime:
    settings: Settings
    db: Database
    secret: ServerSecret
    last_use: LastUseTracker = field(init=False)

    def __post_init__(self) -> None:
        self.last_use = LastUseTracker(self.settings.last_used_resolution_seconds)

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        return cls(
            settings=settings,
            db=Database(settings.database_url),
            secret=ServerSecret.load(settings.secret_key, settings.secret_key_file),
        )
