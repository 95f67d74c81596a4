"""What each role may do, per kind of organization: the one table every check reads.

Transcribed from seed 003 ("QPP Access At a Glance", CMS, 3/20/2020), row by row.
Where a row there says "Everything above plus", the Security Official's set is the Staff
User's set plus the listed extras. Lines marked "seed 000/001" come from the help pages
that say what connected people see beyond the table (eligibility, exceptions).
"""

from django.db import models


class Role(models.TextChoices):
    SECURITY_OFFICIAL = "security_official", "Security Official"
    STAFF_USER = "staff_user", "Staff User"
    CLINICIAN = "clinician", "Clinician"


class Capability(models.TextChoices):
    SUBMIT_DATA = "submit_data", "Submit data"
    SUBMIT_OPT_IN_ELECTION = "submit_opt_in_election", "Submit opt-in elections"
    VIEW_SUBMITTED_DATA = "view_submitted_data", "View submitted data"
    VIEW_PERFORMANCE_FEEDBACK = "view_performance_feedback", "View performance feedback"
    PREVIEW_PUBLIC_REPORTING = "preview_public_reporting", "Preview public reporting"
    MANAGE_ACCESS = "manage_access", "Approve or deny access requests"
    REGISTER_WEB_INTERFACE_OR_CAHPS = (
        "register_web_interface_or_cahps",
        "Register for the CMS Web Interface or CAHPS for MIPS",
    )
    UPLOAD_SUBMISSION_FILE = "upload_submission_file", "Upload a submission file"
    VIEW_PRELIMINARY_SCORING = "view_preliminary_scoring", "View preliminary scoring"
    DOWNLOAD_API_TOKEN = "download_api_token", "Download the API token"
    VIEW_APM_PARTICIPANTS = "view_apm_participants", "View APM participants"
    VIEW_ELIGIBILITY = "view_eligibility", "View eligibility"
    FILE_EXCEPTION_APPLICATION = "file_exception_application", "File exception applications"


class MatrixKind(models.TextChoices):
    """The organization kinds the table distinguishes (a virtual group is a practice)."""

    PRACTICE = "practice", "Practice"
    VIRTUAL_GROUP = "virtual_group", "Virtual group"
    REGISTRY = "registry", "QCDR or Qualified Registry"
    APM_ENTITY = "apm_entity", "APM Entity"


C = Capability

PRACTICE_STAFF = frozenset(
    {
        C.SUBMIT_DATA,
        C.SUBMIT_OPT_IN_ELECTION,
        C.VIEW_SUBMITTED_DATA,
        C.VIEW_PERFORMANCE_FEEDBACK,
        C.PREVIEW_PUBLIC_REPORTING,
        C.VIEW_ELIGIBILITY,  # seed 001: "current and past eligibility details"
        C.FILE_EXCEPTION_APPLICATION,  # seed 001: "file exception applications"
    }
)
VIRTUAL_GROUP_STAFF = frozenset(
    {
        C.SUBMIT_DATA,
        C.VIEW_SUBMITTED_DATA,
        C.VIEW_PERFORMANCE_FEEDBACK,
        C.PREVIEW_PUBLIC_REPORTING,
    }
)
REGISTRY_STAFF = frozenset(
    {C.UPLOAD_SUBMISSION_FILE, C.SUBMIT_OPT_IN_ELECTION, C.VIEW_PRELIMINARY_SCORING}
)
APM_ENTITY_STAFF = frozenset(
    {
        C.SUBMIT_DATA,
        C.VIEW_APM_PARTICIPANTS,
        C.VIEW_ELIGIBILITY,
        C.VIEW_PERFORMANCE_FEEDBACK,
        C.PREVIEW_PUBLIC_REPORTING,
        C.FILE_EXCEPTION_APPLICATION,  # seed 001: "file exception applications"
    }
)
# Seed 003: view performance feedback for associated practices, APM entities and virtual
# groups; seed 000: "eligibility details, and APM incentive information". View only, and
# explicitly not public reporting preview.
CLINICIAN = frozenset({C.VIEW_PERFORMANCE_FEEDBACK, C.VIEW_ELIGIBILITY})

CAPABILITIES = {
    (MatrixKind.PRACTICE, Role.STAFF_USER): PRACTICE_STAFF,
    (MatrixKind.PRACTICE, Role.SECURITY_OFFICIAL): PRACTICE_STAFF
    | {C.MANAGE_ACCESS, C.REGISTER_WEB_INTERFACE_OR_CAHPS},
    (MatrixKind.PRACTICE, Role.CLINICIAN): CLINICIAN,
    (MatrixKind.VIRTUAL_GROUP, Role.STAFF_USER): VIRTUAL_GROUP_STAFF,
    (MatrixKind.VIRTUAL_GROUP, Role.SECURITY_OFFICIAL): VIRTUAL_GROUP_STAFF
    | {C.MANAGE_ACCESS, C.REGISTER_WEB_INTERFACE_OR_CAHPS},
    (MatrixKind.VIRTUAL_GROUP, Role.CLINICIAN): CLINICIAN,
    (MatrixKind.REGISTRY, Role.STAFF_USER): REGISTRY_STAFF,
    (MatrixKind.REGISTRY, Role.SECURITY_OFFICIAL): REGISTRY_STAFF
    | {C.MANAGE_ACCESS, C.DOWNLOAD_API_TOKEN},
    (MatrixKind.APM_ENTITY, Role.STAFF_USER): APM_ENTITY_STAFF,
    (MatrixKind.APM_ENTITY, Role.SECURITY_OFFICIAL): APM_ENTITY_STAFF
    | {C.MANAGE_ACCESS, C.REGISTER_WEB_INTERFACE_OR_CAHPS},
    (MatrixKind.APM_ENTITY, Role.CLINICIAN): CLINICIAN,
}


def matrix_kind(organization):
    """Return the table's kind for an organization (a virtual group counts on its own)."""
    if organization.kind == "practice" and organization.is_virtual_group:
        return MatrixKind.VIRTUAL_GROUP
    return MatrixKind(organization.kind)


def capabilities_for(role, organization):
    """Return what ``role`` may do in ``organization`` (empty if the pair is not in the table)."""
    return CAPABILITIES.get((matrix_kind(organization), Role(role)), frozenset())


def role_allows(role, organization, capability):
    """Answer whether ``role`` may use ``capability`` in ``organization``: the one check."""
    return Capability(capability) in capabilities_for(role, organization)
