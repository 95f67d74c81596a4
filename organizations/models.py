"""Organizations (practices, APM entities, registries) and the CMS enrollment records that
stand behind them: clinicians, their enrolments under practice TINs, and APM participation.

Why one ``Organization`` table with a ``kind`` rather than a base table and one table per
kind: the roles app attaches a membership, a role request and a Security Official to "an
organization" of any kind, so a single foreign key target keeps every query one join deep;
the kinds share most of what is searched (legal business name, TIN) and differ in a handful
of nullable columns, whose presence per kind the database enforces with check constraints.
``Practice``, ``ApmEntity`` and ``Registry`` are proxy models over that table so code can
still say which kind it means.

Everything here is reference data loaded by ``manage.py import_reference_data``; the app
never edits it from a web page.
"""

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Upper

from qpp_portal.collation import ByteOrder
from qpp_portal.geography import ZIP_CODE_PATTERN, USState

from . import validators

TIN_REGEX = r"^[0-9]{9}$"
NPI_REGEX = r"^[0-9]{10}$"
PTAN_REGEX = r"^[A-Z0-9]{6,10}$"
VIRTUAL_GROUP_ID_REGEX = r"^VG-[0-9]{5}$"
FIRST_PERFORMANCE_YEAR = 2017
# CMS formed the first virtual groups for the 2018 performance year (CY 2018 QPP final rule,
# 42 CFR 414.1315).
VIRTUAL_GROUPS_FROM = 2018
LAST_PERFORMANCE_YEAR = 2100


class OrganizationKind(models.TextChoices):
    PRACTICE = "practice", "Practice"
    APM_ENTITY = "apm_entity", "APM Entity"
    REGISTRY = "registry", "Registry"


class ApmModelType(models.TextChoices):
    BPCI_ADVANCED = "bpci_advanced", "BPCI Advanced"
    CPC_PLUS = "cpc_plus", "Comprehensive Primary Care Plus"
    CEC = "cec", "Comprehensive ESRD Care"
    IAH = "iah", "Independence at Home"
    MARYLAND_TCOC = "maryland_tcoc", "Maryland TCOC"
    NEXT_GENERATION_ACO = "next_generation_aco", "Next Generation ACO"
    OCM = "ocm", "Oncology Care Model"
    SSP_ACO = "ssp_aco", "Shared Savings Program ACO"
    VERMONT_ACO = "vermont_aco", "Vermont All Payer ACO"


class RegistryKind(models.TextChoices):
    QCDR = "qcdr", "QCDR"
    QUALIFIED_REGISTRY = "qualified_registry", "Qualified Registry"


class Organization(models.Model):
    """A practice (or virtual group), an APM entity or a registry; see the module docstring."""

    Kind = OrganizationKind
    ModelType = ApmModelType
    RegistryKind = RegistryKind

    kind = models.CharField(max_length=16, choices=Kind.choices)
    legal_business_name = models.CharField(max_length=200)
    # The name as searches compare and order it, upper-cased (organizations.selectors).
    # Kept by the database, so a search reads it instead of upper-casing each name it
    # checks: that was most of a search's time among a million practices.
    search_name = models.GeneratedField(
        expression=Upper("legal_business_name"),
        output_field=models.TextField(),
        db_persist=True,
    )
    # Practices and registries. Stored as 9 digits; shown masked (see mask_tin).
    tin = models.CharField("TIN", max_length=9, null=True, blank=True)

    # Practices only.
    is_virtual_group = models.BooleanField(
        default=False, help_text="A virtual group is connected to as a practice."
    )
    # Virtual groups only: the identifier CMS gives the virtual group it forms (VG-12345),
    # by which it submits; set by the import from virtual_groups.csv.
    virtual_group_id = models.CharField(
        "virtual group ID",
        max_length=8,
        null=True,
        blank=True,
        validators=[validators.validate_virtual_group_id],
    )
    group_npi = models.CharField("group NPI", max_length=10, null=True, blank=True)
    group_ptan = models.CharField("group PTAN", max_length=10, null=True, blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, choices=USState.choices, blank=True)
    zip_code = models.CharField("ZIP code", max_length=10, blank=True)

    # APM entities only.
    entity_id = models.CharField("APM Entity ID", max_length=20, null=True, blank=True)
    model_type = models.CharField(max_length=24, choices=ModelType.choices, blank=True)
    is_single_tin = models.BooleanField(
        "single-TIN entity",
        default=False,
        help_text="Its first Security Official proves one participating TIN instead of two.",
    )

    # Registries only.
    registry_id = models.CharField("registry ID", max_length=12, null=True, blank=True)
    registry_kind = models.CharField(max_length=24, choices=RegistryKind.choices, blank=True)

    class Meta:
        ordering = ["legal_business_name", "id"]
        indexes = [
            # Name search. On PostgreSQL migration 0005 adds a pg_trgm GIN index for
            # LIKE '%ABC%' and one on (kind, search_name COLLATE "C", id) for the order.
            models.Index(
                F("kind"), ByteOrder(F("search_name")), F("id"), name="organization_search_order"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values), name="organization_kind"
            ),
            models.CheckConstraint(
                condition=~Q(kind="practice")
                | (
                    Q(tin__isnull=False, entity_id__isnull=True, registry_id__isnull=True)
                    & Q(model_type="", registry_kind="", is_single_tin=False)
                    & ~Q(street_address="")
                    & ~Q(city="")
                    & ~Q(state="")
                    & ~Q(zip_code="")
                ),
                name="practice_fields",
            ),
            models.CheckConstraint(
                condition=~Q(kind="apm_entity")
                | (
                    Q(entity_id__isnull=False, tin__isnull=True, registry_id__isnull=True)
                    & Q(model_type__in=ApmModelType.values)
                    & Q(group_npi__isnull=True, group_ptan__isnull=True)
                    & Q(registry_kind="", is_virtual_group=False)
                ),
                name="apm_entity_fields",
            ),
            models.CheckConstraint(
                condition=~Q(kind="registry")
                | (
                    Q(tin__isnull=False, registry_id__isnull=False, entity_id__isnull=True)
                    & Q(registry_kind__in=RegistryKind.values)
                    & Q(group_npi__isnull=True, group_ptan__isnull=True)
                    & Q(model_type="", is_virtual_group=False, is_single_tin=False)
                ),
                name="registry_fields",
            ),
            models.CheckConstraint(
                condition=Q(tin__isnull=True) | Q(tin__regex=TIN_REGEX), name="organization_tin"
            ),
            models.CheckConstraint(
                condition=Q(group_npi__isnull=True) | Q(group_npi__regex=NPI_REGEX),
                name="organization_group_npi",
            ),
            models.CheckConstraint(
                condition=Q(group_ptan__isnull=True) | Q(group_ptan__regex=PTAN_REGEX),
                name="organization_group_ptan",
            ),
            models.CheckConstraint(
                condition=Q(group_npi__isnull=True, group_ptan__isnull=True)
                | Q(group_npi__isnull=False, group_ptan__isnull=False),
                name="organization_group_npi_with_ptan",
            ),
            models.CheckConstraint(
                condition=Q(virtual_group_id__isnull=True)
                | Q(
                    kind="practice",
                    is_virtual_group=True,
                    virtual_group_id__regex=VIRTUAL_GROUP_ID_REGEX,
                ),
                name="organization_virtual_group_id",
            ),
            models.CheckConstraint(
                condition=Q(zip_code="") | Q(zip_code__regex=ZIP_CODE_PATTERN),
                name="organization_zip_code",
            ),
            models.UniqueConstraint(
                fields=["tin"], condition=Q(kind="practice"), name="unique_practice_tin"
            ),
            models.UniqueConstraint(
                fields=["tin"], condition=Q(kind="registry"), name="unique_registry_tin"
            ),
            models.UniqueConstraint(fields=["entity_id"], name="unique_apm_entity_id"),
            models.UniqueConstraint(fields=["registry_id"], name="unique_registry_id"),
            models.UniqueConstraint(fields=["virtual_group_id"], name="unique_virtual_group_id"),
            models.UniqueConstraint(fields=["group_npi"], name="unique_group_npi"),
            models.UniqueConstraint(fields=["group_ptan"], name="unique_group_ptan"),
        ]

    def __str__(self):
        return self.legal_business_name

    @property
    def masked_tin(self):
        return mask_tin(self.tin)

    @property
    def kind_label(self):
        """Say what the organization is, naming virtual groups and the APM model."""
        if self.kind == self.Kind.PRACTICE and self.is_virtual_group:
            return "Virtual group"
        if self.kind == self.Kind.APM_ENTITY:
            return f"APM Entity ({self.get_model_type_display()})"
        if self.kind == self.Kind.REGISTRY:
            return self.get_registry_kind_display()
        return self.get_kind_display()


def mask_tin(tin):
    """Return ``tin`` with all but its last 4 digits hidden: ``***-**6789``.

    The one place a TIN is masked for display; templates use the ``masked_tin`` filter.
    """
    if not tin:
        return ""
    return f"***-**{str(tin)[-4:]}"


class KindManager(models.Manager):
    """Return only the organizations of one kind."""

    def __init__(self, kind):
        super().__init__()
        self.kind = kind

    def get_queryset(self):
        return super().get_queryset().filter(kind=self.kind)


class Practice(Organization):
    """A practice identified by its TIN; a virtual group is a practice with is_virtual_group."""

    objects = KindManager(Organization.Kind.PRACTICE)

    class Meta:
        proxy = True


class ApmEntity(Organization):
    """An Alternative Payment Model entity identified by its APM Entity ID."""

    objects = KindManager(Organization.Kind.APM_ENTITY)

    class Meta:
        proxy = True
        verbose_name = "APM entity"
        verbose_name_plural = "APM entities"


class Registry(Organization):
    """A QCDR or Qualified Registry identified by its registry ID and TIN."""

    objects = KindManager(Organization.Kind.REGISTRY)

    class Meta:
        proxy = True
        verbose_name_plural = "registries"


class Clinician(models.Model):
    """A clinician identified by an individual (type 1) NPI."""

    npi = models.CharField(
        "individual NPI", max_length=10, unique=True, validators=[validators.validate_npi]
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    specialty = models.CharField(max_length=100)

    class Meta:
        ordering = ["last_name", "first_name", "npi"]
        constraints = [
            models.CheckConstraint(condition=Q(npi__regex=NPI_REGEX), name="clinician_npi"),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


class Enrolment(models.Model):
    """A clinician billing under a practice's TIN with an individual PTAN.

    A clinician may bill under several TINs, with one PTAN for each.
    """

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="enrolments")
    practice = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="enrolments",
        limit_choices_to={"kind": Organization.Kind.PRACTICE},
    )
    ptan = models.CharField(
        "individual PTAN", max_length=10, validators=[validators.validate_ptan]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["practice", "clinician"], name="unique_enrolment"),
            # Contractors issue a PTAN per enrolment, so one never names two of them.
            models.UniqueConstraint(fields=["ptan"], name="unique_individual_ptan"),
            models.CheckConstraint(condition=Q(ptan__regex=PTAN_REGEX), name="enrolment_ptan"),
        ]

    def __str__(self):
        return f"{self.clinician} under {self.practice}"


class ApmParticipation(models.Model):
    """A practice TIN, or one clinician billing under it, taking part in an APM entity for a
    performance year. A row without a clinician is the TIN's own participation."""

    entity = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="participations",
        limit_choices_to={"kind": Organization.Kind.APM_ENTITY},
    )
    practice = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="apm_participations",
        limit_choices_to={"kind": Organization.Kind.PRACTICE},
    )
    clinician = models.ForeignKey(
        Clinician,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="apm_participations",
    )
    performance_year = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["entity", "performance_year", "practice"],
                condition=Q(clinician__isnull=True),
                name="unique_tin_participation",
            ),
            models.UniqueConstraint(
                fields=["entity", "performance_year", "practice", "clinician"],
                condition=Q(clinician__isnull=False),
                name="unique_clinician_participation",
            ),
            models.CheckConstraint(
                condition=Q(
                    performance_year__gte=FIRST_PERFORMANCE_YEAR,
                    performance_year__lte=LAST_PERFORMANCE_YEAR,
                ),
                name="participation_performance_year",
            ),
        ]

    def __str__(self):
        who = self.clinician or self.practice
        return f"{who} in {self.entity} ({self.performance_year})"


class VirtualGroupTin(models.Model):
    """A practice TIN forming a virtual group in a performance year.

    CMS forms a virtual group each year from the TINs that elect it (solo practitioners and
    groups of 10 or fewer clinicians) and gives it one identifier; a TIN belongs to at most
    one virtual group in a year (42 CFR 414.1315).
    """

    virtual_group = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="virtual_group_tins",
        limit_choices_to={"kind": Organization.Kind.PRACTICE, "is_virtual_group": True},
    )
    practice = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        related_name="virtual_group_elections",
        limit_choices_to={"kind": Organization.Kind.PRACTICE, "is_virtual_group": False},
    )
    performance_year = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = "virtual group TIN"
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "performance_year"], name="one_virtual_group_per_tin_year"
            ),
            models.CheckConstraint(
                condition=~Q(virtual_group=models.F("practice")),
                name="virtual_group_tin_not_itself",
            ),
            models.CheckConstraint(
                condition=Q(
                    performance_year__gte=VIRTUAL_GROUPS_FROM,
                    performance_year__lte=LAST_PERFORMANCE_YEAR,
                ),
                name="virtual_group_tin_performance_year",
            ),
        ]

    def __str__(self):
        return f"{self.practice} in {self.virtual_group} ({self.performance_year})"
