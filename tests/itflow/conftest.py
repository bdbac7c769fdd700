from __future__ import annotations

import pytest

from tests.conftest import LiveServer
from tests.itflow.factories import Tenant, new_tenant


@pytest.fixture
def tenant(server: LiveServer) -> Tenant:
    return new_tenant(server)
