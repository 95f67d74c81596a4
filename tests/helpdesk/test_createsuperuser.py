"""manage.py createsuperuser makes a usable operator account."""

import pytest
from django.core.management import call_command

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_createsuperuser_accepts_the_terms_and_vouches_for_the_identity(monkeypatch, settings):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Operator.Pass7word!")
    call_command(
        "createsuperuser", interactive=False, username="operator", email="ops@example.com"
    )
    user = User.objects.get(username="operator")
    assert user.is_superuser and user.is_staff
    assert user.terms_accepted_at is not None and user.terms_version == settings.TERMS_VERSION
    assert user.is_identity_verified and user.check_password("Operator.Pass7word!")


def test_create_user_accepts_the_terms_too(settings):
    user = User.objects.create_user("plain.person", "p@example.com", "Plain.Pass7word!")
    assert user.terms_accepted_at is not None and not user.is_superuser
    assert not user.is_identity_verified
