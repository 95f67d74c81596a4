"""The help desk never decides an exception application it filed, or one for an organization
it holds a role in; the list and the page do not offer it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from feedback import services
from roles.capabilities import Role

from .conftest import member
from .factories import ExceptionApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_application(help_desk, practice):
    member(help_desk, practice, Role.SECURITY_OFFICIAL)
    return ExceptionApplicationFactory(organization=practice, filed_by=help_desk)


def test_help_desk_cannot_approve_its_own_exception_application(help_desk, own_application):
    with pytest.raises(ValidationError) as raised:
        services.decide_exception_application(
            application=own_application, approve=True, acting_user=help_desk
        )
    assert raised.value.code == "own_case"
    own_application.refresh_from_db()
    assert own_application.status == "submitted"


def test_help_desk_cannot_decide_for_an_organization_it_holds_a_role_in(
    help_desk, staff_user, practice
):
    member(help_desk, practice, Role.STAFF_USER)
    application = ExceptionApplicationFactory(organization=practice, filed_by=staff_user)
    with pytest.raises(ValidationError):
        services.decide_exception_application(
            application=application, approve=True, acting_user=help_desk
        )


def test_own_application_is_neither_listed_nor_offered_for_a_decision(
    client, sign_in, help_desk, own_application
):
    sign_in(client, help_desk)
    url = reverse("feedback:review", args=[own_application.pk])
    assert url not in client.get(reverse("feedback:review_list")).content.decode()
    page = client.get(url).content.decode()
    assert "another member of the help desk must decide it" in page
    assert "Record the decision" not in page
    client.post(url, {"decision": "approve"})
    own_application.refresh_from_db()
    assert own_application.status == "submitted"
