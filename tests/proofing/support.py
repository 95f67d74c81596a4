"""Answer the simulated bureau's questions the way a tester does: from the credit file."""

from proofing.backends.simulated import NONE_OF_THE_ABOVE, bedrooms_label
from proofing.models import ProofingAttempt


def right_labels(credit, prompt):
    """Return the labels a tester reading the sandbox credit file would accept as right."""
    prompt = prompt.lower()
    if "mortgage" in prompt:
        facts = [credit.mortgage_servicer]
    elif "auto loan" in prompt:
        facts = [credit.auto_lender]
    elif "student loan" in prompt:
        facts = [credit.student_loan_servicer]
    elif "credit card" in prompt:
        facts = list(credit.credit_card_issuers)
    elif "employer" in prompt:
        facts = [credit.current_employer, credit.previous_employer]
    elif "bedrooms" in prompt:
        return {bedrooms_label(credit.bedrooms)}
    elif "addresses" in prompt:
        facts = list(credit.previous_addresses)
    else:
        raise AssertionError(f"unexpected question: {prompt}")
    return {fact for fact in facts if fact} or {NONE_OF_THE_ABOVE}


def open_attempt(user):
    return ProofingAttempt.objects.get(user=user, status=ProofingAttempt.Status.IN_PROGRESS)


def answers(attempt, right=True):
    """Return POST data answering every question of ``attempt`` rightly (or all wrongly)."""
    credit = attempt.user.credit_file
    data = {}
    for question in attempt.questions:
        accepted = right_labels(credit, question["prompt"])
        for value, label in question["choices"]:
            if (label in accepted) == right:
                data[question["key"]] = value
                break
    return data
