"""Python clients for the iFlow API V2 and the ITFlow API v1, for the real services and flowsuite alike.

Switching between the original service and a flowsuite server is a base URL. Each client has a
blocking and an asyncio variant sharing one implementation (`_core`).
"""

from flowsuite_client._core import RetryPolicy
from flowsuite_client._version import __version__
from flowsuite_client.errors import (
    APIError,
    AuthenticationFailed,
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
    "AsyncIFlowClient",
    "AsyncITFlowClient",
    "AuthenticationFailed",
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
