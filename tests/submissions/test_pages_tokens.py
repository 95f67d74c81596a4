"""Download the API token: a registry Security Official lists, creates (secret shown once),
rotates and revokes tokens; each change is audited."""

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from submissions.models import ApiToken
from submissions.selectors import get_active_token

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert(1)</script>",
    "'; DROP TABLE submissions_submission; --",
    "Jetons d’accès – 東京 ✓",
]


@pytest.fixture
def official_client(client, sign_in, registry_official):
    return sign_in(client, registry_official)


def tokens_url(registry):
    return reverse("submissions:tokens", args=[registry.pk])


def create_url(registry):
    return reverse("submissions:token_create", args=[registry.pk])


def test_the_list_shows_each_token_with_its_label_prefix_creator_and_status(
    official_client, registry, registry_token
):
    response = official_client.get(tokens_url(registry))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vendor CI" in html
    assert f"{registry_token.prefix}…" in html
    assert "Never" in html  # last used
    assert "Active" in html
    assert "/api/submissions/docs/" in html
    assert "docs/submissions-api.md" in html


def test_created_token_secret_is_shown_once_then_never_again(
    official_client, registry, registry_official
):
    response = official_client.post(create_url(registry), {"label": "Nightly upload"})
    token = ApiToken.objects.get(label="Nightly upload")
    assert response.status_code == 302
    assert response.url == reverse("submissions:token_secret", args=[registry.pk, token.pk])

    first = official_client.get(response.url)
    html = first.content.decode()
    secret = html.split('id="token-secret" type="text" readonly value="')[1].split('"')[0]
    assert secret.startswith("qpp_")
    assert get_active_token(secret) == token
    assert "will not be shown again" in html
    assert "no-store" in first["Cache-Control"]

    second = official_client.get(response.url)
    assert secret not in second.content.decode()
    assert "cannot be shown again" in second.content.decode()
    assert secret not in official_client.get(tokens_url(registry)).content.decode()

    event = AuditEvent.objects.get(action=AuditEvent.Action.API_TOKEN_CREATED)
    assert event.actor == registry_official
    assert secret not in str(event.__dict__)


def test_an_empty_label_is_refused_beside_the_field(official_client, registry):
    response = official_client.post(create_url(registry), {"label": "   "})
    assert response.status_code == 200
    assert "Enter a label for the token." in response.content.decode()
    assert 'id="id_label_error"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_a_too_long_label_is_refused_and_kept(official_client, registry):
    label = "x" * 101
    response = official_client.post(create_url(registry), {"label": label})
    html = response.content.decode()
    assert "Use at most 100 characters." in html
    assert f'value="{label}"' in html
    assert not ApiToken.objects.exists()


def test_a_null_byte_in_the_label_is_refused(official_client, registry):
    response = official_client.post(create_url(registry), {"label": "CI\x00 token"})
    assert "Remove the invisible control characters." in response.content.decode()
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("label", HOSTILE)
def test_hostile_labels_are_stored_as_text_and_shown_escaped(official_client, registry, label):
    official_client.post(create_url(registry), {"label": label})
    token = ApiToken.objects.get()
    assert token.label == label
    html = official_client.get(tokens_url(registry)).content.decode()
    assert "<script>alert(1)</script>" not in html
    if label.startswith("<script>"):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_rotate_asks_first_then_replaces_the_token_and_shows_the_new_secret_once(
    official_client, registry, registry_token, registry_official
):
    url = reverse("submissions:token_rotate", args=[registry.pk, registry_token.pk])
    confirm = official_client.get(url)
    assert "stops working at once" in confirm.content.decode()
    registry_token.refresh_from_db()
    assert registry_token.is_active

    response = official_client.post(url)
    registry_token.refresh_from_db()
    new = registry_token.replaced_by
    assert not registry_token.is_active
    assert new is not None and new.is_active and new.label == registry_token.label
    assert response.url == reverse("submissions:token_secret", args=[registry.pk, new.pk])
    assert "qpp_" in official_client.get(response.url).content.decode()
    event = AuditEvent.objects.get(action=AuditEvent.Action.API_TOKEN_ROTATED)
    assert event.actor == registry_official


def test_revoke_asks_first_then_revokes_at_once(
    official_client, registry, registry_token, registry_official
):
    url = reverse("submissions:token_revoke", args=[registry.pk, registry_token.pk])
    assert "cannot be turned back on" in official_client.get(url).content.decode()
    response = official_client.post(url, follow=True)
    registry_token.refresh_from_db()
    assert not registry_token.is_active
    assert registry_token.revoked_by == registry_official
    assert "is revoked" in response.content.decode()
    assert "Revoked" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_TOKEN_REVOKED).count() == 1


def test_a_revoked_token_cannot_be_rotated_or_revoked_again(
    official_client, registry, registry_token
):
    official_client.post(
        reverse("submissions:token_revoke", args=[registry.pk, registry_token.pk])
    )
    for action in ("token_rotate", "token_revoke"):
        response = official_client.post(
            reverse(f"submissions:{action}", args=[registry.pk, registry_token.pk])
        )
        assert response.status_code == 302
    assert ApiToken.objects.filter(organization=registry).count() == 1


def test_another_registrys_token_is_not_found(official_client, registry, other_registry_token):
    for action in ("token_rotate", "token_revoke", "token_secret"):
        response = official_client.get(
            reverse(f"submissions:{action}", args=[registry.pk, other_registry_token.pk])
        )
        assert response.status_code == 404
    other_registry_token.refresh_from_db()
    assert other_registry_token.is_active


def test_registry_staff_cannot_create_rotate_or_revoke(
    client, sign_in, registry_staff, registry, registry_token
):
    sign_in(client, registry_staff)
    assert client.post(create_url(registry), {"label": "Mine"}).status_code == 403
    for action in ("token_rotate", "token_revoke"):
        url = reverse(f"submissions:{action}", args=[registry.pk, registry_token.pk])
        assert client.post(url).status_code == 403
    registry_token.refresh_from_db()
    assert registry_token.is_active
    assert ApiToken.objects.count() == 1
