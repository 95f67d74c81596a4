"""The portal's MIPS data pages. Each organization view declares the capability of seed
003 it needs (``roles.decorators.requires_capability``) and calls the services,
selectors and scoring; none validates or stores on its own."""

from .data import scoring_detail, scoring_list, submitted, submitted_score
from .submit import (
    submit,
    submit_entity,
    submit_ia,
    submit_pi,
    submit_quality,
    submit_quality_data,
)
from .tokens import token_create, token_revoke, token_rotate, token_secret, tokens
from .upload import upload

__all__ = [
    "scoring_detail",
    "scoring_list",
    "submit",
    "submit_entity",
    "submit_ia",
    "submit_pi",
    "submit_quality",
    "submit_quality_data",
    "submitted",
    "submitted_score",
    "token_create",
    "token_revoke",
    "token_rotate",
    "token_secret",
    "tokens",
    "upload",
]
