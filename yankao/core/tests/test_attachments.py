"""Attachments are checked by content and size; a refused file leaves nothing behind."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Attachment, AuditEvent
from yankao.core.services.attachments import attachment_create


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_real_image_is_stored_with_the_extension_of_its_content(city, officer, settings):
    # Named .jpg by the uploader, but it is a PNG: the PNG extension is kept.
    attachment = attachment_create(
        actor=officer, upload=upload("photo.jpg", png_bytes(), "image/jpeg"),
        owner=city["pwb-maintenance"],
    )
    assert attachment.content_type == "image/png"
    assert attachment.file.name.endswith(".png")
    assert attachment.original_name == "photo.jpg"
    assert attachment.agency == city["pwb-maintenance"]
    assert len(stored_files(settings)) == 1
    assert AuditEvent.objects.filter(action="attachment.create", actor=officer).count() == 1


def test_pdf_is_accepted_where_pdfs_are(officer, city):
    attachment = attachment_create(actor=officer, upload=upload("plan.pdf", pdf_bytes()),
                                   agency=city["rdec"])
    assert attachment.content_type == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("notes.png", b"this is plain text pretending to be an image" * 10,
         ErrorCode.FILE_TYPE_NOT_ALLOWED),
        ("broken.png", png_bytes()[:60], ErrorCode.FILE_TYPE_NOT_ALLOWED),
        ("script.jpg", b"MZ\x90\x00" + b"\x00" * 200, ErrorCode.FILE_TYPE_NOT_ALLOWED),
        ("empty.png", b"", ErrorCode.INVALID),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(officer, settings, name, content, code):
    with pytest.raises(DomainError) as refused:
        attachment_create(actor=officer, upload=upload(name, content))
    assert refused.value.code == code
    assert not Attachment.objects.exists()
    assert not AuditEvent.objects.filter(action="attachment.create").exists()
    assert stored_files(settings) == []


def test_pdf_is_refused_where_only_images_are_allowed(officer):
    with pytest.raises(DomainError) as refused:
        attachment_create(actor=officer, upload=upload("a.pdf", pdf_bytes()), kinds=("image",))
    assert refused.value.code == ErrorCode.FILE_TYPE_NOT_ALLOWED


def test_size_limit(officer, settings):
    settings.YANKAO_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(DomainError) as refused:
        attachment_create(actor=officer, upload=upload("big.png", png_bytes((400, 400))))
    assert refused.value.code == ErrorCode.FILE_TOO_LARGE
    assert not Attachment.objects.exists()


def test_download_is_scoped_to_the_owning_agency(client, city, officer, epb_officer, evaluator):
    attachment = attachment_create(
        actor=officer, upload=upload("site.png", png_bytes()), owner=city["pwb-maintenance"]
    )
    url = f"/attachments/{attachment.uuid}/"
    assert client.get(url).status_code == 404  # anonymous
    client.force_login(epb_officer)
    assert client.get(url).status_code == 404  # another agency: existence not disclosed
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == png_bytes()
    client.force_login(evaluator)
    assert client.get(url).status_code == 200


def test_public_attachment_is_readable_by_anyone(client, city, officer):
    attachment = attachment_create(
        actor=officer, upload=upload("fixed.png", png_bytes()), owner=city["pwb-maintenance"],
        is_public=True,
    )
    assert client.get(f"/attachments/{attachment.uuid}/").status_code == 200
