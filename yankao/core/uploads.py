"""Uploads are refused as soon as they are too large, not after being read in full
(issue #11, finding 8): a request whose declared length passes YANKAO_MAX_REQUEST_BYTES is
refused before its body is read (core.middleware.RequestGuardMiddleware), and a file that
passes YANKAO_MAX_UPLOAD_BYTES while it arrives stops the upload there (this handler,
first in FILE_UPLOAD_HANDLERS). Both answer 413 in the protocol's format."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import FileUploadHandler


class UploadLimitHandler(FileUploadHandler):
    """Counts each file's bytes as they arrive and stops at the limit."""

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.YANKAO_MAX_UPLOAD_BYTES:
            raise RequestDataTooBig(f"{self.file_name}: larger than the upload limit")
        return raw_data

    def file_complete(self, file_size: int):
        return None  # the next handler keeps the file
