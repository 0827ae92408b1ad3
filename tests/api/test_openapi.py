"""The OpenAPI schema documents every error an operation can answer, with the body it really has."""

import json

import pytest
from django.test import Client

from sprintlab.api.api import api
from tests.factories import UserFactory
from tests.helpers import bearer_for

pytestmark = pytest.mark.django_db
ERROR_REF = "#/components/schemas/ErrorOut"
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema():
    return api.get_openapi_schema()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def expected_errors(operation) -> set[int]:
    """What every operation of this kind can answer, whatever its own rules add (409, or 400 without input)."""
    expected = set()
    if operation.get("security"):
        expected |= {401, 403}  # no or a refused token; signed in but not allowed (or a session without CSRF)
    parameters = operation.get("parameters", [])
    if any(p["in"] == "path" for p in parameters):
        expected.add(404)
    if "requestBody" in operation or any(p["in"] == "query" for p in parameters):
        expected |= {400, 422}  # a rule the schema cannot express (or a body that is not JSON); a wrong type
    return expected


def test_every_operation_documents_the_errors_it_can_answer(schema):
    missing = {
        name: sorted(expected_errors(operation) - {int(status) for status in operation["responses"]})
        for name, operation in operations(schema)
    }
    assert {name: statuses for name, statuses in missing.items() if statuses} == {}


def test_every_documented_error_has_the_error_body(schema):
    assert len(list(operations(schema))) >= 31
    for name, operation in operations(schema):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                body_schema = response["content"]["application/json"]["schema"]
                assert body_schema == {"$ref": ERROR_REF}, (name, status)
                assert response["description"], (name, status)


def assert_matches_documented_error(documented: dict, body: dict) -> None:
    assert set(documented["required"]) == set(documented["properties"]) == set(body)
    assert documented["properties"]["detail"]["type"] == "string"
    assert isinstance(body["detail"], str)
    errors = documented["properties"]["errors"]
    assert errors["type"] == "object"
    assert errors["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    assert all(isinstance(messages, list) for messages in body["errors"].values())
    assert all(isinstance(m, str) for messages in body["errors"].values() for m in messages)


def test_the_documented_error_schema_matches_real_error_bodies(client, schema):
    documented = schema["components"]["schemas"]["ErrorOut"]
    headers = bearer_for(UserFactory())
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(UserFactory())
    responses = [
        client.get("/api/v1/me"),  # 401
        client.get("/api/v1/sprints/no-such-sprint"),  # 404
        client.get("/api/v1/sprints?when=someday"),  # 400 with messages per field
        client.get("/api/v1/sprints?page=zero"),  # 422 with messages per field
        browser.patch("/api/v1/me", json.dumps({"city": "Hanoi"}), content_type="application/json"),  # 403: no CSRF
        client.delete("/api/v1/sprints"),  # 405
        client.post("/api/v1/registrations", "{", content_type="application/json", headers=headers),  # 400
    ]
    assert {response.status_code for response in responses} == {400, 401, 403, 404, 405, 422}
    for response in responses:
        assert_matches_documented_error(documented, response.json())
    assert any(response.json()["errors"] for response in responses)


def test_the_served_schema_is_the_documented_one(client, schema):
    served = client.get("/api/v1/openapi.json").json()
    assert served["components"]["schemas"]["ErrorOut"] == schema["components"]["schemas"]["ErrorOut"]


def test_every_schema_class_has_its_own_name():
    """The OpenAPI document names each component after its class: two classes of one name would
    share one component, and every response of the other would be documented wrongly."""
    import inspect

    from ninja import Schema

    from sprintlab.api.api import api as mounted  # noqa: F401 (imports every router and its schemas)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [cls for cls in subclasses(Schema) if inspect.getmodule(cls).__name__.startswith("sprintlab.")]
    by_name: dict[str, list[str]] = {}
    for cls in ours:
        by_name.setdefault(cls.__name__, []).append(cls.__module__)
    assert {name: modules for name, modules in by_name.items() if len(set(modules)) > 1} == {}
