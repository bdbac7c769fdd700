"""create_app(): one ASGI application serving every face."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from flowsuite import __version__
from flowsuite.admin.router import mount as mount_admin
from flowsuite.cflow import router as cflow
from flowsuite.core import health, metrics
from flowsuite.core.asgi import DirectPaths
from flowsuite.core.openapi import document
from flowsuite.core.pipeline import add_routes, handlers
from flowsuite.iflow import router as iflow
from flowsuite.itflow import legacy as itflow_legacy
from flowsuite.itflow import router as itflow
from flowsuite.settings import Settings, get_settings
from flowsuite.tenancy.service import start_runtime

DESCRIPTION = """
flowsuite speaks three business APIs wire-compatibly on one database.

* **iFlow API V2** under `/api/api_v2/...`: form bodies in, the `{"api_reply": ...}` envelope out.
* **ITFlow API v1** under `/api/v1/<module>/<function>.php`, and the legacy `/api.php`.
* **Cflow integration API** under `/integromat/api/...`: the `apikey`, `userkey` and `username` headers,
  JSON in and out with the vendor's keys (`Record_Id`, `Group_ID`, `"default:"`); refusals answer
  `{"Message", "Errors": [{"Field", "Message"}]}` with 400, 401, 403, 404 or 409.
* The **admin console** for people, at `/admin/` (not part of this API description).

Every reply carries `X-Request-Id`: the request's own when it sent a sane one (up to 128 letters, digits and
`._:@+=/-`), else a new one; the server's log lines of the request carry it too.

Every ITFlow reply uses the original's envelope: `success` is the *string* `"True"`/`"False"`,
row values are strings or `null`, reads carry an integer `count`, creates a string `"1"`.
"""


def create_app(settings: Settings | None = None) -> DirectPaths:
    """The application for `settings` (by default, the FLOWSUITE_* environment).

    Nothing connects here: the runtime (engines, secret) is made when the server starts serving, in the
    lifespan, and disposed of when it stops.
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A server may start before its database answers: /readyz says when it is ready.
        runtime = start_runtime(settings, require_database=False)
        app.state.runtime = runtime
        try:
            with metrics.watching(runtime.db):
                yield
        finally:
            runtime.db.dispose()

    app = FastAPI(title="flowsuite", version=__version__, description=DESCRIPTION, lifespan=lifespan)
    app.include_router(health.router)
    app.include_router(metrics.router)
    faces = APIRouter()
    add_routes(faces, itflow.FACE, itflow.ENDPOINTS)
    add_routes(faces, itflow_legacy.FACE, itflow_legacy.ENDPOINTS)
    add_routes(faces, iflow.FACE, iflow.ENDPOINTS)
    add_routes(faces, cflow.FACE, cflow.ENDPOINTS)
    app.include_router(faces)
    document(app, (*itflow.ENDPOINTS, *itflow_legacy.ENDPOINTS, *iflow.ENDPOINTS, *cflow.ENDPOINTS))
    mount_admin(app)
    direct = {
        **handlers(itflow.FACE, itflow.ENDPOINTS),
        **handlers(itflow_legacy.FACE, itflow_legacy.ENDPOINTS),
        **handlers(iflow.FACE, iflow.ENDPOINTS),
        **handlers(cflow.FACE, cflow.ENDPOINTS),
    }
    return DirectPaths(app, direct, access_log=settings.access_log)
