"""Start a new generation of what the shared cache holds of an entity's submitted data when
a submission or a measurement set of it is saved or deleted
(submissions.selectors.submitted_data_generation)."""

from django.db.models.signals import post_delete, post_save

from qpp_portal import generations

from . import selectors
from .models import MeasurementSet, Submission


def submission_changed(sender, instance, **kwargs):
    generations.start_new([selectors.submission_generation_key(instance)])


def measurement_set_changed(sender, instance, **kwargs):
    generations.start_new(
        [
            selectors.submission_generation_key(instance.submission),
            # A registry sees the sets it submitted, whoever they are for.
            selectors.registry_generation_key(instance.submitter_id),
        ]
    )


def connect_cache_invalidation():
    """Connect the receivers above (called from SubmissionsConfig.ready)."""
    for model, receiver in (
        (Submission, submission_changed),
        (MeasurementSet, measurement_set_changed),
    ):
        post_save.connect(receiver, sender=model)
        post_delete.connect(receiver, sender=model)
