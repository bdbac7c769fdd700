"""SDK clients pointed at the live server, each for a company of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from flowsuite_client import IFlowClient, ITFlowClient
from tests.conftest import LiveServer
from tests.iflow.factories import IFlowTenant
from tests.iflow.factories import new_tenant as new_iflow_tenant
from tests.itflow.factories import Tenant
from tests.itflow.factories import new_tenant as new_itflow_tenant


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def tenant(server: LiveServer) -> Tenant:
    return new_itflow_tenant(server)


@pytest.fixture
def itflow(server: LiveServer, tenant: Tenant) -> Iterator[ITFlowClient]:
    """An ITFlow client with the tenant's all-clients key and its decrypt password."""
    with ITFlowClient(server.base_url, tenant.api_key, tenant.decrypt_password) as client:
        yield client


@pytest.fixture
def iflow_tenant(server: LiveServer) -> IFlowTenant:
    return new_iflow_tenant(server)


@pytest.fixture
def iflow(server: LiveServer, iflow_tenant: IFlowTenant) -> Iterator[IFlowClient]:
    """An iFlow client with both the tenant's api_key and its Bearer token."""
    with IFlowClient(server.base_url, api_key=iflow_tenant.api_key, token=iflow_tenant.token) as client:
        yield client
