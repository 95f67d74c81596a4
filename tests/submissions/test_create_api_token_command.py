"""manage.py create_api_token REGISTRY_ID [--label L]."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from submissions.models import ApiToken
from submissions.selectors import get_active_token


def run(*args):
    out = StringIO()
    call_command("create_api_token", *args, stdout=out)
    return out.getvalue()


def test_command_prints_a_working_token_alone_on_its_last_line(registry):
    output = run("QR0042", "--label", "Vendor CI")

    secret = output.strip().splitlines()[-1]
    token = get_active_token(secret)
    assert token is not None
    assert (token.organization, token.label, token.created_by) == (registry, "Vendor CI", None)
    assert secret.startswith("qpp_") and " " not in secret


def test_command_keeps_only_the_digest_of_the_token(registry):
    secret = run("QR0042").strip().splitlines()[-1]

    token = ApiToken.objects.get()
    assert secret not in (token.key_digest, token.prefix, token.label)
    assert token.label == "Command line"


def test_command_refuses_an_unknown_registry_id(db, practice):
    with pytest.raises(CommandError, match="No registry has the registry ID 'QR9999'"):
        run("QR9999")

    assert not ApiToken.objects.exists()


def test_a_token_from_the_command_authenticates_the_api(client, registry):
    secret = run("QR0042").strip().splitlines()[-1]

    response = client.get(
        "/api/submissions/measurement-sets", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )

    assert response.status_code == 200
