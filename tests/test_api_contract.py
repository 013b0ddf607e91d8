"""The API against its own OpenAPI document (schemathesis): no input, however odd, gets a 500 or an
undocumented answer, and every response matches its schema.

schemathesis' pytest plugin does not run under pytest 9 yet, so each operation's hypothesis strategy is
driven here directly.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.factories import api_token

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_every_operation_honours_the_openapi_document(app, world):
    headers = api_token(world.admin)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @SETTINGS
        @given(case=operation.as_strategy())
        def check(case):
            # Fields such as a time zone are checked for meaning, not only for type: a well-typed but
            # unknown value gets a documented 422, which this one check would count as a failure.
            case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

        try:
            check()
        except Exception as error:
            raise AssertionError(f"{operation.label}: {error}") from error
