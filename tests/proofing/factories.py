"""Factories and helpers for proofing tests."""

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from proofing import documents
from proofing.models import ManualProofingCase, ProofingAttempt, ProofingDocument
from tests.factories import UserFactory

SIMULATED = "proofing.backends.simulated.SimulatedCreditBureau"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
WINDOWS_EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 40
ELF_EXECUTABLE = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 40


class FailedAttemptFactory(factory.django.DjangoModelFactory):
    """A failed set of questions, with a reference number not yet cleared."""

    class Meta:
        model = ProofingAttempt

    user = factory.SubFactory(UserFactory, unverified=True)
    backend = SIMULATED
    status = ProofingAttempt.Status.FAILED
    reference = factory.Sequence(lambda n: f"{400000000000 + n:012d}")
    correct_count = 2
    question_count = 5
    completed_at = factory.LazyFunction(timezone.now)


class ManualProofingCaseFactory(factory.django.DjangoModelFactory):
    """A pending case with a photo ID and two statements stored in private media."""

    class Meta:
        model = ManualProofingCase
        skip_postgeneration_save = True

    user = factory.SubFactory(
        UserFactory,
        identity_status=User.IdentityStatus.MANUAL_REVIEW,
        identity_verified_at=None,
    )
    photo_id_type = ManualProofingCase.PhotoIdType.DRIVERS_LICENSE

    @factory.post_generation
    def documents(obj, create, extracted, **kwargs):
        if not create:
            return
        for slot in ProofingDocument.Slot.values:
            name = documents.save_file(ContentFile(PDF, name="x.pdf"), "pdf")
            ProofingDocument.objects.create(
                user=obj.user,
                case=obj,
                slot=slot,
                stored_name=name,
                content_type="application/pdf",
                size=len(PDF),
                original_name=f"{slot}.pdf",
            )
