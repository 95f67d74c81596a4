"""What a signed-in page reads from the shared cache instead of the database, and that a
change to it is seen on the very next request."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts import selectors
from accounts.models import User
from accounts.services import set_password
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

HOME = "accounts:home"


def _queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_a_signed_in_page_reads_the_two_factor_device_once_then_from_the_cache(
    client, person, sign_in
):
    sign_in(client, person)
    first = _queries_of(client, reverse(HOME))
    second = _queries_of(client, reverse(HOME))
    assert any("otp_totp_totpdevice" in sql for sql in first)
    assert not any("otp_totp_totpdevice" in sql for sql in second)


def test_a_deleted_device_ends_the_verified_session_at_the_next_request(client, person, sign_in):
    sign_in(client, person)
    assert client.get(reverse(HOME)).status_code == 200
    for device in selectors.two_factor_devices(person):
        device.delete()
    response = client.get(reverse(HOME))
    assert response.status_code == 302
    assert response.url != reverse(HOME)


def test_an_unconfirmed_device_ends_the_verified_session_at_the_next_request(
    client, person, sign_in
):
    sign_in(client, person)
    assert client.get(reverse(HOME)).status_code == 200
    [device] = selectors.two_factor_devices(person)
    device.confirmed = False
    device.save()
    assert client.get(reverse(HOME)).status_code == 302


def test_a_cached_device_of_another_person_does_not_verify_a_session(client, person, sign_in):
    other = UserFactory(username="someone.else")
    other_client = sign_in(Client(), other)
    assert other_client.get(reverse(HOME)).status_code == 200  # other's device now cached
    [other_device] = selectors.two_factor_devices(other)
    sign_in(client, person)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = other_device.persistent_id
    session.save()
    assert client.get(reverse(HOME)).status_code == 302


def test_the_header_does_not_query_permissions_on_every_page(client, person, sign_in):
    sign_in(client, person)
    client.get(reverse(HOME))
    assert not any("auth_permission" in sql for sql in _queries_of(client, reverse(HOME)))


def test_granting_the_help_desk_permission_shows_the_header_link_at_once(client, person, sign_in):
    sign_in(client, person)
    assert b"<span>Help desk</span>" not in client.get(reverse(HOME)).content
    person.user_permissions.add(Permission.objects.get(codename="help_desk"))
    assert b"<span>Help desk</span>" in client.get(reverse(HOME)).content


def test_revoking_the_help_desk_permission_hides_the_link_and_closes_the_workspace(
    client, help_desk, sign_in
):
    sign_in(client, help_desk)
    assert b"<span>Help desk</span>" in client.get(reverse(HOME)).content
    help_desk.user_permissions.clear()
    assert b"<span>Help desk</span>" not in client.get(reverse(HOME)).content
    assert client.get(reverse("helpdesk:home")).status_code == 403


def _help_desk_group():
    group = Group.objects.create(name="Help desk agents")
    group.permissions.add(Permission.objects.get(codename="help_desk"))
    return group


def test_joining_a_help_desk_group_shows_the_header_link_at_once(client, person, sign_in):
    group = _help_desk_group()
    sign_in(client, person)
    assert b"<span>Help desk</span>" not in client.get(reverse(HOME)).content
    group.user_set.add(person)
    assert b"<span>Help desk</span>" in client.get(reverse(HOME)).content


def test_emptying_a_help_desk_group_hides_the_header_link_at_once(client, person, sign_in):
    group = _help_desk_group()
    person.groups.add(group)
    sign_in(client, person)
    assert b"<span>Help desk</span>" in client.get(reverse(HOME)).content
    group.user_set.clear()
    assert b"<span>Help desk</span>" not in client.get(reverse(HOME)).content


def test_the_feedback_home_links_the_help_desk_to_its_review_queue_only(
    client, help_desk, person, sign_in
):
    sign_in(client, help_desk)
    assert b"exception applications to review" in client.get(reverse("feedback:index")).content
    sign_in(client, person)
    assert b"exception applications to review" not in client.get(reverse("feedback:index")).content


# The signed-in person's account row


def _warm(client):
    """One request, so the next reads the account from the cache."""
    assert client.get(reverse(HOME)).status_code == 200


def test_a_signed_in_page_reads_the_account_once_then_from_the_cache(client, person, sign_in):
    sign_in(client, person)
    first = _queries_of(client, reverse(HOME))
    second = _queries_of(client, reverse(HOME))
    assert any('FROM "accounts_user"' in sql for sql in first)
    assert not any('FROM "accounts_user"' in sql for sql in second)


def test_the_cached_account_holds_no_password_ssn_birth_date_or_answer(client, person, sign_in):
    from django.core.cache import cache

    sign_in(client, person)
    _warm(client)
    copy = cache.get(selectors.user_cache_key(person.pk))
    assert copy.username == person.username
    for name in ("password", "date_of_birth", "ssn", "ssn_digest", "challenge_answer"):
        assert name not in copy.__dict__
    assert copy.get_deferred_fields() >= set(User.FIELDS_KEPT_OUT_OF_CACHE)


def test_every_encrypted_field_is_kept_out_of_the_cache():
    from encrypted_fields.fields import EncryptedFieldMixin

    encrypted = {
        f.attname for f in User._meta.concrete_fields if isinstance(f, EncryptedFieldMixin)
    }
    assert encrypted and encrypted <= set(User.FIELDS_KEPT_OUT_OF_CACHE)


def test_the_profile_reads_the_ssn_kept_out_of_the_cache_from_the_database(
    client, person, sign_in
):
    sign_in(client, person)
    _warm(client)
    response = client.get(reverse("accounts:profile"))
    assert f"***-**-{person.ssn[-4:]}" in response.content.decode()


def test_a_password_changed_elsewhere_ends_the_session_at_its_next_request(
    client, person, sign_in
):
    sign_in(client, person)
    _warm(client)
    set_password(user=User.objects.get(pk=person.pk), password="Another.Meadow47x")
    response = client.get(reverse(HOME))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_changing_ones_own_password_keeps_the_session_that_changed_it(client, person, sign_in):
    sign_in(client, person)
    _warm(client)
    response = client.post(
        reverse("accounts:change_password"),
        {
            "current_password": DEFAULT_PASSWORD,
            "password1": "Another.Meadow47x",
            "password2": "Another.Meadow47x",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse(HOME)).status_code == 200
    assert User.objects.get(pk=person.pk).check_password("Another.Meadow47x")


def test_saving_the_account_again_forgets_a_copy_cached_before_the_commit(
    person, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.cache import cache
    from django.db import transaction

    # This app's tests run on_commit work at once (conftest); here it must wait for commit.
    monkeypatch.setattr(
        "django.db.transaction.on_commit",
        lambda func, using=None, robust=False: transaction.get_connection(using).on_commit(
            func, robust
        ),
    )
    key = selectors.user_cache_key(person.pk)
    with django_capture_on_commit_callbacks(execute=True):
        person.first_name = "Augusta"
        person.save(update_fields=["first_name"])
        # A request reading the row before the commit caches what it saw.
        cache.set(key, selectors.cacheable_copy(User.objects.get(pk=person.pk)))
    assert cache.get(key) is None


def test_an_unknown_or_malformed_account_id_reads_as_no_account(db):
    assert selectors.cached_user(987654) is None
    assert selectors.cached_user("not-a-number") is None


def test_the_cached_device_holds_no_secret(client, person, sign_in):
    from django.core.cache import cache

    sign_in(client, person)
    _warm(client)
    [device] = selectors.two_factor_devices(person)
    copy = cache.get(selectors.device_cache_key(device.persistent_id))
    assert copy.user_id == person.pk and copy.confirmed
    assert "key" not in copy.__dict__
    assert copy.key == device.key  # read from the database
