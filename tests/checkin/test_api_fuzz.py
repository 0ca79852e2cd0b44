"""The API fuzzed from its own OpenAPI document (schemathesis): whatever a client sends,
no server error, and every answer has a documented status and the documented shape."""

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from confreg.auth.service import create_api_token
from tests.conftest import make_staff, register

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_any_request_gets_a_documented_answer(app, client, event):
    make_staff(event, "desk", "desk@staff.example")
    register(client, event)  # a delegate for the search and the snapshot to find
    headers = {"Authorization": f"Bearer {create_api_token('desk@staff.example')[1]}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 6

    for operation in operations:

        @given(operation.as_strategy())
        @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
        def answers_as_documented(case):
            if "slug" in (case.path_parameters or {}):
                case.path_parameters["slug"] = event.slug  # the real event: the code runs
            case.call_and_validate(headers=headers, checks=CHECKS)

        answers_as_documented()
