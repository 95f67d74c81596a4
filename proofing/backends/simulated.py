"""A simulated, Experian-style credit bureau for training and testing."""

import secrets

from django.conf import settings

from ..data import credit as lists
from .base import Choice, Outcome, ProofingBackend, ProofingResult, ProofingStart, Question

NONE_OF_THE_ABOVE = "None of the above"
# Named options per question. Always the same number, whether or not one of them is
# right, so that the count of options never gives away "None of the above".
NAMED_OPTIONS = 5


def bedrooms_label(count):
    return "1 bedroom" if count == 1 else f"{count} bedrooms"


class SimulatedCreditBureau(ProofingBackend):
    """Ask multiple-choice questions built from the person's simulated credit file.

    Declines people who gave no SSN: a bureau cannot find their file. Passes with at
    least ``settings.PROOFING_PASS_MINIMUM`` of ``settings.PROOFING_QUESTION_COUNT``
    right; a failure carries a reference number for the (simulated) bureau's phone line.
    """

    label = "Simulated credit bureau"

    def start(self, *, user):
        from ..services import ensure_credit_file

        if not user.ssn:
            return None
        credit_file = ensure_credit_file(user=user)
        rng = secrets.SystemRandom()
        topics = self.topics(credit_file, user)
        count = min(settings.PROOFING_QUESTION_COUNT, len(topics))
        questions, answers, asked = [], {}, {}
        for number, topic in enumerate(rng.sample(list(topics), count), start=1):
            prompt, correct, pool = topics[topic]
            key = f"q{number}"
            question, answer = self.build_question(rng, key, prompt, correct, pool)
            questions.append(question)
            answers[key] = answer
            asked[key] = topic
        return ProofingStart(
            questions=tuple(questions), state={"answers": answers, "topics": asked}
        )

    def score(self, *, user, state, answers):
        key = state.get("answers", {})
        topics = state.get("topics", {})
        missed = [topics.get(q, q) for q, right in key.items() if answers.get(q) != right]
        total = len(key)
        correct = total - len(missed)
        if total and correct >= settings.PROOFING_PASS_MINIMUM:
            return ProofingResult(outcome=Outcome.VERIFIED, correct=correct, total=total)
        return ProofingResult(
            outcome=Outcome.FAILED,
            reference=f"{secrets.randbelow(10**12):012d}",
            correct=correct,
            total=total,
            detail={"missed_topics": missed},
        )

    def topics(self, credit_file, user):
        """Return ``{topic: (prompt, correct label or None, pool of labels)}``."""
        rng = secrets.SystemRandom()
        employers = [e for e in (credit_file.current_employer, credit_file.previous_employer) if e]
        own_streets = {
            a.casefold() for a in [user.street_address, *credit_file.previous_addresses]
        }
        street_pool = []
        while len(street_pool) < NAMED_OPTIONS * 2:
            number = rng.randint(10, 9899)
            street = (
                f"{number} {rng.choice(lists.STREET_NAMES)} {rng.choice(lists.STREET_SUFFIXES)}"
            )
            if street.casefold() not in own_streets:
                street_pool.append(street)
        cards = credit_file.credit_card_issuers
        addresses = credit_file.previous_addresses
        return {
            "mortgage_servicer": (
                "Which of these companies services your mortgage?",
                credit_file.mortgage_servicer or None,
                lists.MORTGAGE_SERVICERS,
            ),
            "auto_lender": (
                "Which of these companies financed your current auto loan?",
                credit_file.auto_lender or None,
                lists.AUTO_LENDERS,
            ),
            "student_loan_servicer": (
                "Which of these companies services your student loan?",
                credit_file.student_loan_servicer or None,
                lists.STUDENT_LOAN_SERVICERS,
            ),
            "credit_card_issuer": (
                "Which of these banks issued a credit card you hold?",
                rng.choice(cards) if cards else None,
                [c for c in lists.CREDIT_CARD_ISSUERS if c not in cards],
            ),
            "employer": (
                "Which of these companies is your current or a previous employer?",
                rng.choice(employers) if employers else None,
                [e for e in lists.EMPLOYERS if e not in employers],
            ),
            "bedrooms": (
                f"How many bedrooms are in your home at {user.street_address}?",
                bedrooms_label(credit_file.bedrooms),
                [bedrooms_label(n) for n in lists.BEDROOM_COUNTS],
            ),
            "previous_address": (
                "At which of these addresses have you lived in the last five years?",
                rng.choice(addresses) if addresses else None,
                street_pool,
            ),
        }

    def build_question(self, rng, key, prompt, correct, pool):
        """Return the question and the value of its right choice.

        Four wrong options and the right one (or five wrong ones when the right answer is
        "None of the above"), shuffled, then "None of the above" last, as bureaus show it.
        """
        wrong = [label for label in dict.fromkeys(pool) if label != correct]
        labels = rng.sample(wrong, NAMED_OPTIONS - (correct is not None))
        if correct is not None:
            labels.append(correct)
        rng.shuffle(labels)
        labels.append(NONE_OF_THE_ABOVE)
        choices = tuple(Choice(value=secrets.token_urlsafe(6), label=label) for label in labels)
        right = correct if correct is not None else NONE_OF_THE_ABOVE
        answer = next(c.value for c in choices if c.label == right)
        return Question(key=key, prompt=prompt, choices=choices), answer
