"""A registry uploads a QPP JSON submission file for a client (``services`` parses,
validates in full and merges it)."""

from django.shortcuts import render

from roles.capabilities import Capability
from roles.decorators import requires_capability

from .. import services
from ..catalogue import Category
from ..forms import UploadForm
from ..validation import SubmissionInvalid
from .common import allows, clinician_names, entity_description, sections


def _read(upload):
    """Read at most one byte more than the service accepts (it refuses larger files)."""
    return upload.read(services.MAXIMUM_SUBMISSION_BYTES + 1)


@requires_capability(Capability.UPLOAD_SUBMISSION_FILE)
def upload(request, membership):
    organization = membership.organization
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    problems, result, file_name = [], None, ""
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        file_name = uploaded.name
        try:
            result = services.upload_submission_file(
                content=_read(uploaded),
                submitter=organization,
                uploaded_by=request.user,
                request=request,
                file_name=file_name,
            )
        except SubmissionInvalid as error:
            problems = error.problems
            form.add_error(
                "file",
                f"{file_name} has {len(problems)} problem{'s' if len(problems) != 1 else ''}: "
                "see the list below.",
            )
    elif request.method == "POST" and "file" in request.FILES:
        file_name = request.FILES["file"].name
    context = {
        "membership": membership,
        "sections": sections(membership),
        "organization": organization,
        "form": form,
        "problems": problems,
        "file_name": file_name,
        "can_score": allows(membership, Capability.VIEW_PRELIMINARY_SCORING),
    }
    if result is not None:
        submission = result.submission
        context.update(
            result=result,
            entity=entity_description(submission, clinician_names([submission])),
            saved=[
                {
                    "category": Category.LABELS.get(
                        saved.measurement_set.category, saved.measurement_set.category
                    ),
                    "method": saved.measurement_set.get_submission_method_display(),
                    "created": saved.created,
                    "count": saved.measurement_set.measurements.count(),
                }
                for saved in result.saved
            ],
            form=UploadForm(),
        )
    return render(request, "submissions/upload.html", context)
