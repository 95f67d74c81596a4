"""What the portal shows of CMS's data, kept in the shared cache: the public participation
answers (the lookup page and the eligibility API) and CMS's feedback reports of an
organization (its summary page, feedback.selectors).

Registries and EHR vendors ask the eligibility API about the same clinicians again and
again, and every visit to a summary page reads its organization's reports; both change
only when reference data are loaded, feedback data generated, a report or a clinician
saved, an opt-in election made or an exception application decided. Answers are kept
under a *generation* token; each of those changes starts a new generation, so nobody is
answered from before it:

- bulk loads call ``start_new_generation`` themselves (feedback.synthetic, sandbox.reset)
  or send organizations.signals.reference_data_changed (the reference data import);
- a saved report or clinician, and a person's change to an election or an application,
  do through the signals connected in ``connect_signals``.

``ANSWER_SECONDS`` bounds memory, and the age of an answer should a new write path forget
both.
"""

from django.db.models.signals import post_delete, post_save

from qpp_portal import generations

GENERATION_KEY = "public-participation:generation"
ANSWER_SECONDS = 600


def start_new_generation():
    """Forget every cached answer: now, and again when the transaction commits
    (qpp_portal.generations.start_new)."""
    generations.start_new([GENERATION_KEY])


def cached_answer(kind, key, compute):
    """Return ``compute()`` for ``kind`` and ``key`` (a string), from the cache when this
    generation already computed it. ``compute`` returns a picklable value."""
    generation = generations.current(GENERATION_KEY)
    cache_key = f"public-participation:{generation}:{kind}:{key}"
    return generations.cached(cache_key, compute, ANSWER_SECONDS)


def _changed(sender, **kwargs):
    start_new_generation()


def connect_signals():
    """Start a new generation when reference data are loaded or a report, a clinician, an
    opt-in election or an exception application changes (called from FeedbackConfig.ready)."""
    from organizations.models import Clinician
    from organizations.signals import reference_data_changed

    from .models import ExceptionApplication, FeedbackReport, OptInElection

    reference_data_changed.connect(_changed, dispatch_uid="public-cache-reference-data")

    for model in (FeedbackReport, Clinician, OptInElection, ExceptionApplication):
        post_save.connect(_changed, sender=model, dispatch_uid=f"public-cache-{model.__name__}")
        post_delete.connect(
            _changed, sender=model, dispatch_uid=f"public-cache-{model.__name__}-d"
        )
