"""An upload handler that keeps no more of a file than the portal would ever accept."""

from io import BytesIO

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class UploadSizeLimitHandler(FileUploadHandler):
    """Drop the bytes of an uploaded file beyond ``UPLOAD_FILE_MAX_BYTES``.

    Listed first in ``FILE_UPLOAD_HANDLERS``: the handlers after it (memory or temporary
    file) store at most the limit, and a file over it arrives as an empty file whose
    ``size`` is the size sent, so the form refuses it by size with the real number.
    """

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.UPLOAD_FILE_MAX_BYTES:
            self.too_large = True
            return None  # later handlers get nothing more of this file
        return raw_data

    def file_complete(self, file_size):
        if not self.too_large:
            return None  # the next handler returns the stored file
        return InMemoryUploadedFile(
            BytesIO(),
            self.field_name,
            self.file_name,
            self.content_type,
            self.received,
            self.charset,
            self.content_type_extra,
        )
