"""create_app(): one ASGI application serving every face."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from flowsuite import __version__
from flowsuite.admin.router import mount as mount_admin
from flowsuite.cflow.router import build_router as build_cflow_router
from flowsuite.cflow.router import handlers as cflow_handlers
from flowsuite.core import health
from flowsuite.core.asgi import DirectPaths
from flowsuite.core.runtime import Runtime
from flowsuite.iflow.router import build_router as build_iflow_router
from flowsuite.iflow.router import handlers as iflow_handlers
from flowsuite.itflow.legacy import router as itflow_legacy_router
from flowsuite.itflow.router import build_router as build_itflow_router
from flowsuite.itflow.router import handlers as itflow_handlers
from flowsuite.settings import Settings, get_settings

DESCRIPTION = """
flowsuite speaks three business APIs wire-compatibly on one database.

* **iFlow API V2** under `/api/api_v2/...`: form bodies in, the `{"api_reply": ...}` envelope out.
* **ITFlow API v1** under `/api/v1/<module>/<function>.php`, and the legacy `/api.php`.
* **Cflow integration API** under `/integromat/api/...`: the `apikey`, `userkey` and `username` headers,
  JSON in and out with the vendor's keys (`Record_Id`, `Group_ID`, `"default:"`); refusals answer
  `{"Message", "Errors": [{"Field", "Message"}]}` with 400, 401, 403, 404 or 409.
* The **admin console** for people, at `/admin/` (not part of this API description).

Every ITFlow reply uses the original's envelope: `success` is the *string* `"True"`/`"False"`,
row values are strings or `null`, reads carry an integer `count`, creates a string `"1"`.
"""


def create_app(settings: Settings | None = None) -> DirectPaths:
    """The application for `settings` (by default, the FLOWSUITE_* environment)."""
    settings = settings or get_settings()
    runtime = Runtime.from_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        runtime.db.dispose()

    app = FastAPI(title="flowsuite", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.state.runtime = runtime
    app.include_router(health.router)
    app.include_router(build_itflow_router())
    app.include_router(itflow_legacy_router)
    app.include_router(build_iflow_router())
    app.include_router(build_cflow_router())
    mount_admin(app)
    return DirectPaths(app, {**itflow_handlers(), **iflow_handlers(), **cflow_handlers()})
