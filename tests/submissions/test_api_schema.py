"""The Submissions API's OpenAPI document and its interactive docs page."""

import re

from .test_api import API

OPERATIONS = {
    ("get", "/submissions"),
    ("post", "/submissions"),
    ("get", "/submissions/{submission_id}"),
    ("get", "/submissions/{submission_id}/score"),
    ("post", "/submissions/score-preview"),
    ("get", "/measurement-sets"),
    ("post", "/measurement-sets"),
    ("get", "/measurement-sets/{measurement_set_id}"),
    ("put", "/measurement-sets/{measurement_set_id}"),
    ("patch", "/measurement-sets/{measurement_set_id}"),
    ("delete", "/measurement-sets/{measurement_set_id}"),
    ("post", "/public/validate-submission"),
}


def openapi(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.json()


def test_openapi_document_lists_each_operation_once_without_trailing_slashes(client, db):
    document = openapi(client)

    assert document["openapi"].startswith("3.")
    found = {
        (method, path.removeprefix(API))
        for path, operations in document["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert found == OPERATIONS


def test_every_documented_error_response_has_the_error_schema(client, db):
    document = openapi(client)

    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                if int(code) >= 400:
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorEnvelope"}, (
                        method,
                        path,
                        code,
                    )


def test_only_validate_submission_is_documented_as_needing_no_token(client, db):
    document = openapi(client)

    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A registry's API token: Authorization: Bearer qpp_...",
    }
    public = {
        (method, path)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if {"bearerAuth": []} not in operation.get("security", [])
    }
    assert public == {("post", f"{API}/public/validate-submission")}


def test_openapi_yaml_is_served_too(client, db):
    response = client.get(f"{API}/openapi.yaml")

    assert response.status_code == 200
    assert b"openapi: 3." in response.content


def test_docs_page_loads_swagger_from_this_site_without_inline_script(client, db):
    response = client.get(f"{API}/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('src="' in attributes for attributes in scripts)
    assert "<style" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_docs_start_up_script_is_served_as_javascript(client, db):
    response = client.get(f"{API}/docs/?script=")

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/javascript")
    assert b"/api/submissions/openapi.json" in response.content
