"""Generate a person's simulated credit file deterministically from their profile."""

import hashlib
import hmac
import random

from django.conf import settings

from .data import credit as lists

# Fields that identify the person and rarely change. The SSN is left out on purpose:
# the file must not depend on, or let anyone test guesses of, the number.
PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "street_address",
    "city",
    "state",
    "zip_code",
)


def profile_digest(user):
    """Return an HMAC (keyed with SECRET_KEY) of the person's stable profile fields."""
    parts = [str(getattr(user, field) or "").strip().casefold() for field in PROFILE_FIELDS]
    message = "\x1f".join(parts).encode()
    key = f"proofing.credit-file:{settings.SECRET_KEY}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def street_address(rng):
    number = rng.randint(10, 9899)
    return f"{number} {rng.choice(lists.STREET_NAMES)} {rng.choice(lists.STREET_SUFFIXES)}"


def generate_credit_file(user):
    """Return the facts of ``user``'s credit file as a dict of CreditFile field values.

    The same profile always gives the same facts: the generator is seeded from
    ``profile_digest``. It is a simulation, not a secret, so ``random`` is fine here.
    """
    digest = profile_digest(user)
    # A deterministic simulation of a credit file, not a security value (bandit B311).
    rng = random.Random(int(digest, 16))  # noqa: S311  # nosec B311
    employers = rng.sample(lists.EMPLOYERS, 2)
    own_street = (user.street_address or "").casefold()
    previous = []
    while len(previous) < rng.choice([0, 1, 1, 2, 2, 3]):
        candidate = street_address(rng)
        if candidate.casefold() != own_street and candidate not in previous:
            previous.append(candidate)
    return {
        "profile_digest": digest,
        "mortgage_servicer": rng.choice(lists.MORTGAGE_SERVICERS) if rng.random() < 0.6 else "",
        "auto_lender": rng.choice(lists.AUTO_LENDERS) if rng.random() < 0.55 else "",
        "student_loan_servicer": (
            rng.choice(lists.STUDENT_LOAN_SERVICERS) if rng.random() < 0.4 else ""
        ),
        "credit_card_issuers": sorted(
            rng.sample(lists.CREDIT_CARD_ISSUERS, rng.choice([0, 1, 1, 2, 2, 3]))
        ),
        "current_employer": employers[0],
        "previous_employer": employers[1] if rng.random() < 0.75 else "",
        "bedrooms": rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6]),
        "previous_addresses": previous,
    }
