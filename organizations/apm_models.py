"""The APM models and the MIPS performance years each ran: one source of truth
(``data/apm_models.json``, with its sources) for the reference-data importer, the synthetic
generator and the feedback app."""

import json
from functools import cache
from pathlib import Path

APM_MODELS_FILE = Path(__file__).resolve().parent / "data" / "apm_models.json"


@cache
def apm_models():
    """Return {model type: {apm_id, first_year, last_year, advanced, mips_apm}} (sources in
    ``data/apm_models.json``; ``last_year`` None for a model still running)."""
    return json.loads(APM_MODELS_FILE.read_text())["models"]


def apm_model_ran(model_type, year):
    """Answer whether the APM model ran in performance ``year`` (unknown models: yes)."""
    model = apm_models().get(model_type)
    if model is None:
        return True
    last = model["last_year"]
    return model["first_year"] <= year and (last is None or year <= last)


def apm_model_years_text(model_type):
    """Return the years the model ran, for messages: "2017-2021" or "from 2017"."""
    model = apm_models()[model_type]
    if model["last_year"] is None:
        return f"from {model['first_year']}"
    return f"{model['first_year']}-{model['last_year']}"
