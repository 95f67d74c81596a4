import datetime

import pytest

from feedback import program

# Inside the 2026 registration window (April 1 to June 30).
TODAY = datetime.date(2026, 5, 15)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Pin the feedback clock the registration rules read; ``today.set(date)`` moves it."""

    class Clock:
        value = TODAY

        def set(self, value):
            self.value = value

    clock = Clock()
    monkeypatch.setattr(program, "today", lambda: clock.value)
    return clock
