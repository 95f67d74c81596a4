"""Read-only admin for reference data: it comes from import_reference_data, so hand edits
would drift from the files CMS's records stand for. Help-desk staff see full TINs here."""

from django.contrib import admin

from qpp_portal.admin import ReadOnlyAdmin

from .models import ApmEntity, ApmParticipation, Clinician, Enrolment, Practice, Registry


class ReferenceDataAdmin(ReadOnlyAdmin):
    # Tables of 100,000s of rows: skip the full count on every page.
    show_full_result_count = False


@admin.register(Practice)
class PracticeAdmin(ReferenceDataAdmin):
    list_display = ["legal_business_name", "tin", "is_virtual_group", "group_npi", "city", "state"]
    list_filter = ["is_virtual_group", "state"]
    search_fields = ["=tin", "legal_business_name", "=group_npi", "=group_ptan"]


@admin.register(ApmEntity)
class ApmEntityAdmin(ReferenceDataAdmin):
    list_display = ["legal_business_name", "entity_id", "model_type", "is_single_tin"]
    list_filter = ["model_type", "is_single_tin"]
    search_fields = ["=entity_id", "legal_business_name"]


@admin.register(Registry)
class RegistryAdmin(ReferenceDataAdmin):
    list_display = ["legal_business_name", "registry_id", "tin", "registry_kind"]
    list_filter = ["registry_kind"]
    search_fields = ["=registry_id", "=tin", "legal_business_name"]


@admin.register(Clinician)
class ClinicianAdmin(ReferenceDataAdmin):
    list_display = ["last_name", "first_name", "npi", "specialty"]
    search_fields = ["=npi", "last_name"]


@admin.register(Enrolment)
class EnrolmentAdmin(ReferenceDataAdmin):
    list_display = ["clinician", "practice", "ptan"]
    list_select_related = ["clinician", "practice"]
    search_fields = ["=clinician__npi", "=practice__tin", "=ptan"]


@admin.register(ApmParticipation)
class ApmParticipationAdmin(ReferenceDataAdmin):
    list_display = ["entity", "practice", "clinician", "performance_year"]
    list_select_related = ["entity", "practice", "clinician"]
    list_filter = ["performance_year"]
    search_fields = ["=entity__entity_id", "=practice__tin", "=clinician__npi"]
