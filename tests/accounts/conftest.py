import pytest


@pytest.fixture(autouse=True)
def _run_on_commit_at_once(monkeypatch):
    """Run work deferred with transaction.on_commit (emails, texts) as soon as it is deferred.

    Each test runs inside one transaction that is rolled back, never committed.
    """

    def run_now(func, using=None, robust=False):
        func()

    monkeypatch.setattr("django.db.transaction.on_commit", run_now)
