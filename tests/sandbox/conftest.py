import pytest
from django.contrib.auth.models import Permission

from qpp_portal import clock
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _real_time():
    """Every test starts and ends on real time (the offset lives in the cache)."""
    clock.reset()
    yield
    clock.reset()


@pytest.fixture
def trainer(db):
    user = UserFactory(username="terry.trainer")
    user.user_permissions.add(
        Permission.objects.get(codename="trainer", content_type__app_label="sandbox")
    )
    return user


@pytest.fixture
def trainer_client(client, trainer, sign_in):
    return sign_in(client, trainer)


@pytest.fixture
def starting_data(db):
    """The demo people, the sample reference data, the demo roles and the personas."""
    from django.core.management import call_command

    call_command("load_demo_data", verbosity=0, stdout=None)
    call_command("import_reference_data", "organizations/sample_data", verbosity=0)
    call_command("load_demo_roles")
    call_command("load_personas")
