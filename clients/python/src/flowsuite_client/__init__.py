"""Python clients for the iFlow API V2, the ITFlow API v1 and Cflow's integration API.

They talk to the real services and to flowsuite alike: switching between them is a base URL. Each
client has a blocking and an asyncio variant sharing one implementation (`_core`).
"""

from flowsuite_client._core import RetryPolicy
from flowsuite_client._version import __version__
from flowsuite_client.cflow import AsyncCflowClient, CflowClient
from flowsuite_client.errors import (
    APIError,
    AuthenticationFailed,
    CflowError,
    CflowFieldProblem,
    ConnectionFailed,
    FieldError,
    FlowsuiteClientError,
    IFlowError,
    IFlowValidationError,
    ITFlowError,
    UnexpectedResponse,
)
from flowsuite_client.iflow import AsyncIFlowClient, IFlowClient
from flowsuite_client.itflow import AsyncITFlowClient, ClientEmail, ITFlowClient, PhonebookEntry

__all__ = [
    "APIError",
    "AsyncCflowClient",
    "AsyncIFlowClient",
    "AsyncITFlowClient",
    "AuthenticationFailed",
    "CflowClient",
    "CflowError",
    "CflowFieldProblem",
    "ClientEmail",
    "ConnectionFailed",
    "FieldError",
    "FlowsuiteClientError",
    "IFlowClient",
    "IFlowError",
    "IFlowValidationError",
    "ITFlowClient",
    "ITFlowError",
    "PhonebookEntry",
    "RetryPolicy",
    "UnexpectedResponse",
    "__version__",
]
