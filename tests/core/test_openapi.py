"""The OpenAPI document a real server serves at /openapi.json: valid OpenAPI 3.1, every endpoint of every face
described from its endpoint description, its examples true to their schemas and to the server, and code
generated from it.

The generator is datamodel-code-generator: it reads OpenAPI 3.1 and turns every schema, every operation's
parameters, request bodies and replies into models, and warns about what it cannot make sense of.
openapi-python-client, the usual Python client generator, also generates a client from our document without a
warning about it (tried in an environment of its own), but its releases cap typer below the version
flowsuite's CLI runs on, so pip cannot install the two side by side; pyopenapi-gen caps typer lower still.
What a client generator trips over that model generation does not, a repeated operationId, is asserted here
directly.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import OpenAPIV31SpecValidator

from flowsuite.cflow import router as cflow
from flowsuite.core.pipeline import Endpoint
from flowsuite.iflow import router as iflow
from flowsuite.iflow.errors import FieldError
from flowsuite.iflow.openapi import FAILED_CHECK, FIELDS
from flowsuite.itflow import legacy
from flowsuite.itflow import router as itflow
from flowsuite.itflow.endpoints import OPERATIONS
from flowsuite.itflow.openapi import RESOURCES
from tests.cflow.seed import SAMPLES
from tests.conftest import LiveServer

FACES: dict[str, tuple[Endpoint[Any, Any, Any, Any, Any], ...]] = {
    "itflow": itflow.ENDPOINTS,
    "legacy": legacy.ENDPOINTS,
    "iflow": iflow.ENDPOINTS,
    "cflow": cflow.ENDPOINTS,
}
FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def spec(server: LiveServer) -> Iterator[dict[str, Any]]:
    with server.client() as client:
        reply = client.get("/openapi.json")
    assert reply.status_code == 200
    yield reply.json()


def _operations(spec: dict[str, Any], endpoints: tuple[Endpoint[Any, Any, Any, Any, Any], ...]) -> Iterator[Any]:
    for endpoint in endpoints:
        for method in endpoint.info.methods:
            yield endpoint, method, spec["paths"][endpoint.path][method.lower()]


def _examples(media: dict[str, Any]) -> dict[str, Any]:
    named = {name: example["value"] for name, example in media.get("examples", {}).items()}
    return {**named, **({"example": media["example"]} if "example" in media else {})}


def test_the_document_is_valid_openapi_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1.")
    OpenAPIV31SpecValidator(spec).validate()


def test_every_endpoint_of_every_face_is_documented_with_its_methods(spec: dict[str, Any]) -> None:
    for face, endpoints in FACES.items():
        assert endpoints, face
        for endpoint in endpoints:
            documented = set(spec["paths"].get(endpoint.path, {}))
            assert documented == {method.lower() for method in endpoint.info.methods}, endpoint.path
            first = spec["paths"][endpoint.path][endpoint.info.methods[0].lower()]
            assert first["operationId"] == endpoint.info.operation_id
            assert first["tags"], endpoint.path


def test_operation_ids_are_unique(spec: dict[str, Any]) -> None:
    ids = [operation["operationId"] for item in spec["paths"].values() for operation in item.values()]
    assert len(ids) == len(set(ids))


def test_every_example_fits_its_schema(spec: dict[str, Any]) -> None:
    """Each request and reply example validates against the schema beside it (references resolved in the
    document), so a generated client accepts what the examples show."""
    checked = 0
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            bodies = operation.get("requestBody", {}).get("content", {})
            replies = [
                media for reply in operation["responses"].values() for media in reply.get("content", {}).values()
            ]
            for media in [*bodies.values(), *replies]:
                if "schema" not in media:
                    continue
                validator = OAS31Validator({**media["schema"], "components": spec["components"]})
                for name, example in _examples(media).items():
                    errors = [error.message for error in validator.iter_errors(example)]
                    assert not errors, (path, method, name, errors)
                    checked += 1
    assert checked > 300


def test_every_iflow_operation_documents_its_form_credentials_and_replies(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes["iflowBearer"] == {**schemes["iflowBearer"], "type": "http", "scheme": "bearer"}
    assert schemes["iflowApiKey"]["name"] == "api_key" and schemes["iflowDevice"]["name"] == "access_token"
    kinds = {"api_key": "iflowApiKey", "token": "iflowBearer", "device": "iflowDevice"}
    for endpoint, method, operation in _operations(spec, iflow.ENDPOINTS):
        action = endpoint.info.operation_id.removeprefix("iflow_")
        expected = {"api_language", *(field.name for field in FIELDS[action])}
        if "api_key" in endpoint.info.credentials:
            expected.add("api_key")
        if "device" in endpoint.info.credentials:
            expected.add("access_token")
        if method == "POST":
            content = operation["requestBody"]["content"]
            assert set(content) == FORM_TYPES, endpoint.path
            for media in content.values():
                assert set(media["schema"]["properties"]) == expected, endpoint.path
        else:
            # A GET sends the same fields in the query string.
            assert "requestBody" not in operation
            assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == expected, endpoint.path
        assert operation["security"] == [{kinds[kind]: []} for kind in endpoint.info.credentials]
        assert {"200", "405", "413", "503"} <= set(operation["responses"]), endpoint.path
        # Only a token or a device is refused with 401; a missing or bad api_key is a validator failure.
        takes_token = bool({"token", "device"} & set(endpoint.info.credentials))
        assert ("401" in operation["responses"]) == takes_token, endpoint.path
        examples = operation["responses"]["200"]["content"]["application/json"]["examples"]
        # The validator failure as the face renders it, in en_US.
        field, check, values = FAILED_CHECK[action]
        failed = examples["validator_error"]["value"]["api_reply"]["error"]
        assert failed == iflow.render_errors([FieldError(field, check, values)], "en_US"), endpoint.path
        assert examples["success"]["value"], endpoint.path


def test_iflow_integers_are_integers(spec: dict[str, Any]) -> None:
    form = spec["paths"]["/api/api_v2/user/set_work_schedule"]["post"]["requestBody"]["content"]
    assert form["multipart/form-data"]["schema"]["properties"]["user_id"]["type"] == "integer"
    query = spec["paths"]["/api/api_v2/users/get_work_schedule"]["get"]["parameters"]
    assert {p["name"]: p["schema"]["type"] for p in query}["year"] == "integer"
    assert {p["name"]: p["schema"]["type"] for p in query}["month"] == "integer"


def test_every_cflow_operation_lists_its_refusals_and_the_seed_samples(spec: dict[str, Any]) -> None:
    for endpoint, method, operation in _operations(spec, cflow.ENDPOINTS):
        headers = {p["name"] for p in operation["parameters"] if p["in"] == "header" and p["required"]}
        assert headers == {"apikey", "userkey", "username"}
        responses = operation["responses"]
        for status in ("400", "401", "403", "404", "409", "405", "413", "503"):
            media = responses[status]["content"]["application/json"]
            assert media["schema"] == {"$ref": "#/components/schemas/CflowRefusal"}, (endpoint.path, status)
            assert set(next(iter(_examples(media).values()))) <= {"Message", "Errors"}
        name = endpoint.path.rsplit("/", 1)[1].lower()
        if name in SAMPLES:
            assert responses["200"]["content"]["application/json"]["examples"]["seed"]["value"] == SAMPLES[name]
        if method == "POST":
            body = operation["requestBody"]["content"]["application/json"]
            schema = spec["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[1]]
            values = "dynamicobj" if name == "submitrecord" else "Values"
            assert set(schema["properties"]) == {"main", values}
            assert set(body["examples"]["seed"]["value"]) == {"main", values}
    refusal = spec["components"]["schemas"]["CflowRefusal"]
    assert set(refusal["properties"]) == {"Message", "Errors"}


def test_itflow_integers_are_integers_and_the_503_is_documented(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert schemas["ITFlowRows"]["properties"]["count"]["type"] == "integer"
    assert schemas["ITFlowCreated"]["properties"]["count"] == {"type": "string", "enum": ["1"]}
    assert schemas["ITFlowCreated"]["properties"]["data"]["items"]["properties"]["insert_id"]["type"] == "integer"
    assert schemas["ITFlowChanged"]["properties"]["count"]["type"] == "integer"
    read = spec["paths"]["/api/v1/assets/read.php"]["get"]
    query = {p["name"]: p["schema"]["type"] for p in read["parameters"]}
    assert (query["limit"], query["offset"], query["client_id"], query["asset_id"]) == ("integer",) * 4
    update = spec["paths"]["/api/v1/assets/update.php"]["post"]["requestBody"]["content"]["application/json"]
    properties = update["schema"]["properties"]
    assert properties["asset_id"]["type"] == properties["client_id"]["type"] == ["integer", "string"]
    assert properties["asset_name"]["type"] == "string"
    for endpoint, _method, operation in _operations(spec, (*itflow.ENDPOINTS, *legacy.ENDPOINTS)):
        assert "503" in operation["responses"], endpoint.path


def test_every_itflow_module_has_its_field_types() -> None:
    """A module missing from itflow.openapi's RESOURCES would document its numbers as strings."""
    modules = [getattr(operation.read, "__self__", None) for operation in OPERATIONS if operation.kind == "read"]
    assert {id(module) for module in modules} == {id(resource) for resource in RESOURCES}


def test_documented_refusals_are_what_the_server_answers(spec: dict[str, Any], http: httpx.Client) -> None:
    def documented(path: str, method: str, status: int) -> Any:
        media = spec["paths"][path][method]["responses"][str(status)]["content"]["application/json"]
        return next(iter(_examples(media).values()))

    today = "/api/api_v2/users/get_today_status"
    assert http.get(today).json() == documented(today, "get", 401)
    sync = "/api/api_v2/user/sync"
    assert http.get(sync).json() == documented(sync, "post", 405)
    workflows = "/integromat/api/cflow/getworkflows"
    assert http.get(workflows).json() == documented(workflows, "get", 401)
    assert http.post(workflows).json() == documented(workflows, "get", 405)
    read = "/api/v1/clients/read.php"
    assert http.get(read, params={"api_key": "nope"}).json() == documented(read, "get", 401)
    assert http.post(read, json={"api_key": "nope"}).json() == documented(read, "get", 405)


def test_models_generated_from_the_document_import(
    spec: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = tmp_path / "openapi.json"
    document.write_text(json.dumps(spec))
    module = tmp_path / "flowsuite_openapi_models.py"
    generated = subprocess.run(
        [
            sys.executable,
            "-m",
            "datamodel_code_generator",
            "--input",
            str(document),
            "--input-file-type",
            "openapi",
            "--openapi-scopes",
            "schemas",
            "paths",
            "parameters",
            "requestbodies",
            "--output",
            str(module),
            "--formatters",
            "builtin",
            "--target-python-version",
            "3.11",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert generated.returncode == 0, generated.stderr
    assert generated.stderr == ""
    loaded = importlib.util.spec_from_file_location("flowsuite_openapi_models", module)
    assert loaded is not None and loaded.loader is not None
    models = importlib.util.module_from_spec(loaded)
    monkeypatch.setitem(sys.modules, loaded.name, models)
    loaded.loader.exec_module(models)
    # The shapes every face's replies share, and one operation's body of each face.
    for name in ("ITFlowRows", "IFlowReply", "CflowRefusal", "CflowSubmit", "ApiV1AssetsCreatePhpPostRequest"):
        assert hasattr(models, name), name
    submit = models.CflowSubmit.model_validate(
        {"main": {"WorkflowName": "SampleWorkflow"}, "dynamicobj": {"City": "x"}}
    )
    assert submit.main.WorkflowName == "SampleWorkflow"
