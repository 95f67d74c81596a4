import hashlib
import hmac
import secrets
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp.models import CooldownMixin, Device, SideChannelDevice, ThrottlingMixin
from encrypted_fields.fields import EncryptedCharField, EncryptedDateField

from qpp_portal.geography import USState


def digest_keys():
    """Return the keys of keyed digests: the current one first, then those being retired.

    ``DIGEST_KEY`` and ``DIGEST_KEY_FALLBACKS`` when set, else ``SECRET_KEY`` and
    ``SECRET_KEY_FALLBACKS``: either way a key can be rotated, as Django rotates
    ``SECRET_KEY``, without losing backup codes and SSN lookups made with the old one.
    """
    if getattr(settings, "DIGEST_KEY", ""):
        return [settings.DIGEST_KEY, *getattr(settings, "DIGEST_KEY_FALLBACKS", [])]
    return [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]


def keyed_digest(value, purpose, key=None):
    """Return an HMAC-SHA256 of ``value``: lookups by a secret without storing it."""
    key = f"{purpose}:{key or digest_keys()[0]}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def keyed_digests(value, purpose):
    """Return ``value``'s digests under every key in use, to look up or compare with."""
    return [keyed_digest(value, purpose, key) for key in digest_keys()]


def digest_matches(value, purpose, digest):
    """Say whether ``digest`` is ``value``'s digest under any key in use (constant time)."""
    return any(
        hmac.compare_digest(candidate, digest) for candidate in keyed_digests(value, purpose)
    )


class UserManager(DjangoUserManager):
    def get_by_natural_key(self, username):
        # User IDs are unique regardless of case, so sign-in ignores case too.
        return self.get(username__iexact=username)

    def create_user(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        _terms_defaults(extra_fields)
        return self._create_user(username, email, password, **extra_fields)

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        """Create an operator's account from ``manage.py createsuperuser``.

        The operator who runs the command vouches for the person, so the identity counts as
        verified (a superuser has no SSN or credit file to prove it with); two-factor setup
        is still required at the first sign-in."""
        extra_fields.setdefault("identity_status", User.IdentityStatus.VERIFIED)
        extra_fields.setdefault("identity_verified_at", timezone.now())
        _terms_defaults(extra_fields)
        return super().create_superuser(username, email, password, **extra_fields)


def _terms_defaults(extra_fields):
    """Accounts created outside registration accept the current terms when created."""
    extra_fields.setdefault("terms_version", settings.TERMS_VERSION)
    extra_fields.setdefault("terms_accepted_at", timezone.now())


class User(AbstractBaseUser, PermissionsMixin):
    """A person's HARP-style account: it belongs to them, not to a practice."""

    class IdentityStatus(models.TextChoices):
        UNVERIFIED = "unverified", "Identity not verified"
        MANUAL_REVIEW = "manual_review", "Waiting for manual review"
        VERIFIED = "verified", "Identity verified"

    class ChallengeQuestion(models.TextChoices):
        FIRST_PET = "first_pet", "What was the name of your first pet?"
        BIRTH_CITY = "birth_city", "In what city were you born?"
        FIRST_SCHOOL = "first_school", "What was the name of your first school?"
        MOTHER_MAIDEN = "mother_maiden", "What is your mother's maiden name?"
        FIRST_CAR = "first_car", "What was the make of your first car?"
        CHILDHOOD_FRIEND = "childhood_friend", "What was the name of your childhood best friend?"
        FAVORITE_TEACHER = "favorite_teacher", "What was the last name of your favorite teacher?"

    class DeactivationReason(models.TextChoices):
        DORMANT = "dormant", "Not used for too long"
        HELP_DESK = "help_desk", "Deactivated by the help desk"

    username = models.CharField(
        "User ID",
        max_length=64,
        help_text="At least 5 characters: letters, digits and . _ - @",
    )
    first_name = models.CharField("first name", max_length=50)
    last_name = models.CharField("last name", max_length=50)
    email = models.EmailField("email address", max_length=254)
    phone = models.CharField("phone number", max_length=20, help_text="E.164, e.g. +12025550143")
    date_of_birth = EncryptedDateField("date of birth", null=True)
    # Empty when not given (the encrypted field stores that as NULL).
    ssn = EncryptedCharField("Social Security Number", max_length=9, blank=True, null=True)
    ssn_digest = models.CharField(max_length=64, blank=True, default="", db_index=True)
    street_address = models.CharField("street address", max_length=100)
    address_line_2 = models.CharField("apartment, suite, etc.", max_length=100, blank=True)
    city = models.CharField(max_length=60)
    state = models.CharField(max_length=2, choices=USState.choices)
    zip_code = models.CharField("ZIP code", max_length=10)

    identity_status = models.CharField(
        max_length=20, choices=IdentityStatus.choices, default=IdentityStatus.UNVERIFIED
    )
    identity_verified_at = models.DateTimeField(null=True, blank=True)
    # The legal name as it was identity-proofed: what the participation records are matched
    # against (roles.selectors.match_clinician), whatever the profile says later.
    proofed_first_name = models.CharField(max_length=50, blank=True)
    proofed_last_name = models.CharField(max_length=50, blank=True)
    terms_version = models.CharField(max_length=20)
    terms_accepted_at = models.DateTimeField()
    challenge_question = models.CharField(max_length=30, choices=ChallengeQuestion.choices)
    challenge_answer = models.CharField(max_length=128, help_text="Hashed, never stored plain")
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    default_device = models.CharField(
        max_length=120, blank=True, help_text="Persistent ID of the default two-factor device"
    )
    code_failures = models.PositiveSmallIntegerField(default=0)
    codes_locked_until = models.DateTimeField(null=True, blank=True)

    is_active = models.BooleanField(default=True)
    # Why the account was deactivated: only a dormant one comes back with a password reset.
    deactivation_reason = models.CharField(
        max_length=20, choices=DeactivationReason.choices, blank=True
    )
    is_staff = models.BooleanField("staff status", default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    # Never copied into the shared cache with the signed-in person (accounts.selectors.
    # cached_user): the encrypted fields decrypted, the SSN's digest (a billion SSNs are
    # quickly tried), and the password and challenge answer hashes. Read from such a copy,
    # they come from the database.
    FIELDS_KEPT_OUT_OF_CACHE = (
        "password",
        "date_of_birth",
        "ssn",
        "ssn_digest",
        "challenge_answer",
    )

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["email"]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("username"), name="accounts_user_username_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(zip_code__regex=r"^[0-9]{5}(-[0-9]{4})?$")
                | models.Q(zip_code=""),
                name="accounts_user_zip_code_format",
            ),
            models.CheckConstraint(
                condition=~models.Q(identity_status="verified")
                | models.Q(identity_verified_at__isnull=False),
                name="accounts_user_verified_has_time",
            ),
        ]
        permissions = [("help_desk", "Can act as the QPP help desk")]

    def __str__(self):
        return self.username

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_session_auth_hash(self):
        # A copy read from the shared cache has no password hash, only the session hash
        # made from it (accounts.selectors.cached_user); a password set since counts.
        if "password" not in self.__dict__ and "_session_auth_hash" in self.__dict__:
            return self._session_auth_hash
        return super().get_session_auth_hash()

    def get_short_name(self):
        return self.first_name

    @property
    def is_identity_verified(self):
        return self.identity_status == self.IdentityStatus.VERIFIED

    @property
    def legal_name_changed_since_proofing(self):
        """Whether the profile's name differs from the identity-proofed one (ignoring case and
        surrounding spaces); False for a person never proofed."""
        if not (self.proofed_first_name or self.proofed_last_name):
            return False
        return not (
            same_name(self.first_name, self.proofed_first_name)
            and same_name(self.last_name, self.proofed_last_name)
        )

    @property
    def ssn_masked(self):
        return f"***-**-{self.ssn[-4:]}" if self.ssn else ""

    @property
    def date_of_birth_masked(self):
        return f"**/**/{self.date_of_birth:%Y}" if self.date_of_birth else ""

    @property
    def phone_masked(self):
        return f"(***) ***-{self.phone[-4:]}" if self.phone else ""

    @property
    def email_masked(self):
        return mask_email(self.email)

    def set_ssn(self, ssn):
        self.ssn = ssn or None
        self.ssn_digest = keyed_digest(ssn, "ssn") if ssn else ""

    def set_challenge_answer(self, answer):
        from django.contrib.auth.hashers import make_password

        self.challenge_answer = make_password(normalize_challenge_answer(answer))

    def check_challenge_answer(self, answer):
        from django.contrib.auth.hashers import check_password

        return check_password(normalize_challenge_answer(answer), self.challenge_answer)


def same_name(first, second):
    """Compare names as the participation records are matched: case and surrounding spaces
    aside, exactly."""
    return str(first or "").strip().casefold() == str(second or "").strip().casefold()


def mask_email(address):
    """Show enough of an address for its owner to recognise it: ``j***@example.com``."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def normalize_challenge_answer(answer):
    """Compare answers ignoring case and runs of spaces, as people retype them."""
    return " ".join(answer.split()).casefold()


class PasswordHistory(models.Model):
    """A password hash the person used, kept so recent ones cannot be reused."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "password history"

    def __str__(self):
        return f"Password set {self.created_at:%Y-%m-%d}"


class PhoneDevice(CooldownMixin, ThrottlingMixin, SideChannelDevice):
    """A phone that receives six-digit codes by text message or voice call."""

    class Method(models.TextChoices):
        SMS = "sms", "Text message (SMS)"
        VOICE = "voice", "Voice call"

    number = models.CharField(max_length=20, help_text="E.164")
    method = models.CharField(max_length=5, choices=Method.choices)

    def get_cooldown_duration(self):
        return settings.OTP_EMAIL_COOLDOWN_DURATION

    def get_throttle_factor(self):
        return 1

    def verify_token(self, token):
        """Check the last code sent, throttled on failure as django-otp's own devices are."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        verified = super().verify_token(token)
        if verified:
            self.throttle_reset()
        else:
            self.throttle_increment()
        return verified

    def generate_challenge(self):
        """Make a code and queue it as a text or a call (accounts.messaging.deliver_text)."""
        from .messaging import deliver_text, render_phone_message

        self.generate_token(valid_secs=settings.OTP_SENT_CODE_VALIDITY, commit=False)
        self.cooldown_set(commit=False)
        self.save()
        body = render_phone_message("security_code", {"code": self.token})
        deliver_text(
            to=self.number,
            message=body,
            what="accounts/security_code",
            user=self.user,
            voice=self.method == self.Method.VOICE,
        )
        return "Code sent"

    @property
    def number_masked(self):
        return f"(***) ***-{self.number[-4:]}"


class BackupCodeDevice(ThrottlingMixin, Device):
    """Ten one-time backup codes, stored as keyed hashes (django-otp's static plugin keeps them plain)."""

    def get_throttle_factor(self):
        return 1

    def generate_codes(self):
        """Replace every code with fresh ones; return them in plain text, shown once."""
        codes = [new_backup_code() for _ in range(settings.BACKUP_CODE_COUNT)]
        self.codes.all().delete()
        BackupCode.objects.bulk_create(
            BackupCode(device=self, digest=keyed_digest(normalize_backup_code(c), "backup"))
            for c in codes
        )
        return codes

    def verify_token(self, token):
        """Use up one unused code matching ``token``; throttled on failure like other devices."""
        allowed, _ = self.verify_is_allowed()
        if not allowed:
            return False
        digests = keyed_digests(normalize_backup_code(token), "backup")
        used = self.codes.filter(digest__in=digests, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if used:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False

    @property
    def remaining_count(self):
        return self.codes.filter(used_at__isnull=True).count()


BACKUP_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_backup_code():
    raw = "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def normalize_backup_code(code):
    return "".join(ch for ch in code.lower() if ch.isalnum())


class BackupCode(models.Model):
    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["device", "digest"], name="accounts_backup_code_unique"
            )
        ]

    def __str__(self):
        return "Used backup code" if self.used_at else "Unused backup code"


class ContactChange(models.Model):
    """A new email address or phone number waiting for the code sent to it."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email address"
        PHONE = "phone", "Phone number"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="contact_changes")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    new_value = models.CharField(max_length=254)
    code_digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel"], name="accounts_one_pending_change_per_channel"
            )
        ]

    def __str__(self):
        return f"Pending change of {self.get_channel_display().lower()}"

    @property
    def is_expired(self):
        return timezone.now() >= self.expires_at


class UserSession(models.Model):
    """One signed-in session of a person, so they can see and end their other sessions.

    The session itself lives in ``SESSION_ENGINE``; this row only remembers whose it is.
    Rows whose session has ended are removed when the person's sessions are listed.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="signed_in_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    signed_in_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_in_at", "-id"]

    def __str__(self):
        return f"Session of {self.user} since {self.signed_in_at:%Y-%m-%d %H:%M}"
