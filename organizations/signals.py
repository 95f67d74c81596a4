"""Signals the organizations app sends, for apps that keep something derived from it."""

from django.dispatch import Signal

# Sent by organizations.services.import_reference_data inside its transaction when the
# import created or updated anything (keyword argument: report, the ImportReport).
reference_data_changed = Signal()
