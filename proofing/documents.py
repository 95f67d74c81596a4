"""Identity documents: judge a file by its content and keep it outside anything served."""

import secrets
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.module_loading import import_string

# Leading bytes of each accepted type: the content decides, never the file's name.
SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)
ACCEPTED_LABEL = "PDF, JPEG or PNG"


def sniff(uploaded):
    """Return ``(content_type, extension)`` of an accepted upload, or None."""
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(0)
    for signature, content_type, extension in SIGNATURES:
        if head.startswith(signature):
            return content_type, extension
    return None


def document_storage():
    """Return the ``identity_documents`` storage (``settings.STORAGES``), built each time.

    Several web machines share it when it is object storage. A FileSystemStorage without a
    location keeps the files under PRIVATE_MEDIA_ROOT/proofing, read from settings each time
    (tests move it). ``base_url`` is None: these files have no URL and are read only through
    the permission-checking download view.
    """
    config = settings.STORAGES["identity_documents"]
    options = dict(config.get("OPTIONS", {}))
    backend = import_string(config["BACKEND"])
    if issubclass(backend, FileSystemStorage):
        options.setdefault("location", Path(settings.PRIVATE_MEDIA_ROOT) / "proofing")
        options.setdefault("base_url", None)
    return backend(**options)


def save_file(uploaded, extension):
    """Store ``uploaded`` under a random name and return that name."""
    name = f"{secrets.token_hex(16)}.{extension}"
    uploaded.seek(0)
    return document_storage().save(name, uploaded)


def delete_file(name):
    document_storage().delete(name)


def open_file(name):
    return document_storage().open(name, "rb")


def display_name(name):
    """Keep a short, printable version of the person's file name for reviewers."""
    cleaned = "".join(ch for ch in Path(name or "").name if ch.isprintable())
    return cleaned[-100:]
