"""The registration draft kept in the session until the account exists.

SSN and date of birth are encrypted inside the session, as they are in the database.
"""

from datetime import date, datetime

from django.utils import timezone

from .models import User

SESSION_KEY = "registration_draft"
PLAIN_FIELDS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "street_address",
    "address_line_2",
    "city",
    "state",
    "zip_code",
]


def _cipher():
    # The same key the encrypted model fields use (derived from SECRET_KEY and SALT_KEY).
    return User._meta.get_field("ssn").f


def _seal(value):
    return _cipher().encrypt(value.encode()).decode() if value else ""


def _unseal(token):
    return _cipher().decrypt(token.encode()).decode() if token else ""


class RegistrationDraft:
    def __init__(self, session):
        self.session = session
        self.data = session.get(SESSION_KEY, {})

    def _save(self):
        self.session[SESSION_KEY] = self.data
        self.session.modified = True

    def clear(self):
        self.session.pop(SESSION_KEY, None)

    @property
    def has_profile(self):
        return "first_name" in self.data

    @property
    def terms_accepted(self):
        return "terms_accepted_at" in self.data

    def save_profile(self, cleaned):
        for field in PLAIN_FIELDS:
            self.data[field] = cleaned[field]
        if cleaned.get("date_of_birth"):
            self.data["date_of_birth"] = _seal(cleaned["date_of_birth"].isoformat())
        if cleaned.get("ssn"):
            self.data["ssn"] = _seal(cleaned["ssn"])
        self._save()

    def keep_ssn(self, ssn):
        """Keep a valid SSN from a profile refused for another field."""
        self.data["ssn"] = _seal(ssn)
        self._save()

    def keep_date_of_birth(self, born):
        """Keep a valid date of birth from a profile refused for another field."""
        self.data["date_of_birth"] = _seal(born.isoformat())
        self._save()

    def accept_terms(self, version):
        self.data["terms_accepted_at"] = timezone.now().isoformat()
        self.data["terms_version"] = version
        self._save()

    def initial(self):
        """Form initial values: everything but the SSN and date of birth."""
        return {field: self.data[field] for field in PLAIN_FIELDS if field in self.data}

    def date_of_birth(self):
        sealed = self.data.get("date_of_birth")
        return date.fromisoformat(_unseal(sealed)) if sealed else None

    def ssn(self):
        return _unseal(self.data.get("ssn", ""))

    def masked_date_of_birth(self):
        born = self.date_of_birth()
        return f"**/**/{born:%Y}" if born else ""

    def masked_ssn(self):
        ssn = self.ssn()
        return f"***-**-{ssn[-4:]}" if ssn else ""

    def profile(self):
        return {
            **self.initial(),
            "date_of_birth": self.date_of_birth(),
            "ssn": self.ssn(),
            "terms_accepted_at": datetime.fromisoformat(self.data["terms_accepted_at"]),
        }
