"""Background jobs (core.jobs): started by a service call, run by the worker as the user who
started them, followed on /staff/jobs/<id>/ by their owner or an evaluator."""

import csv
import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.jobs import STALE_AFTER_SECONDS, job_start, jobs_recover
from yankao.core.models import Agency, AuditEvent, Job
from yankao.core.tests.test_shared_tools import AGENCY_CSV


def _upload(text: str, name="agencies.csv") -> ContentFile:
    return ContentFile(text.encode("utf-8"), name=name)


def _run(capture, **kwargs) -> Job:
    with capture(execute=True):
        job = job_start(**kwargs)
    job.refresh_from_db()
    return job


def test_an_import_job_runs_as_its_owner_and_ends_with_its_result(
        client, administrator, django_capture_on_commit_callbacks):
    job = _run(django_capture_on_commit_callbacks, actor=administrator, kind="core.import",
               params={"importer": "agencies", "format": "csv"}, upload=_upload(AGENCY_CSV))
    assert job.status == Job.Status.DONE
    assert (job.done, job.total) == (4, 4)
    assert job.result["created"] == 2 and job.result["rejected_count"] == 2
    assert Agency.objects.filter(code__in=["ks-park", "ks-works"]).count() == 2
    # The agency rows were written by the administrator, not by "system".
    assert AuditEvent.objects.filter(action="agency.import", actor=administrator).count() == 2
    assert [e.action for e in AuditEvent.objects.filter(object_id=str(job.pk),
                                                        action__startswith="job.")
            .order_by("id")] == ["job.start", "job.finish"]
    # The uploaded file is not kept once the job has ended.
    assert not job.input_file.storage.exists(job.input_file.name)

    client.force_login(administrator)
    page = client.get(f"/staff/jobs/{job.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert '<h2 id="job-heading">' in body and "hx-get" not in body
    assert "orphan" not in body and "nowhere" in body  # the rejected rows, with reasons
    assert page["Cache-Control"] == "private, no-store"


def test_progress_is_shown_in_real_steps_while_running(client, administrator):
    job = Job.objects.create(kind="core.import", title="Import", requested_by=administrator,
                             status=Job.Status.RUNNING, done=1200, total=20000,
                             step="Importing rows")
    client.force_login(administrator)
    fragment = client.get(f"/staff/jobs/{job.pk}/", HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body
    assert f'hx-get="/staff/jobs/{job.pk}/"' in body and 'hx-trigger="every 1s"' in body
    assert 'max="20000" value="1200"' in body
    assert "Importing rows" in body


def test_a_job_is_seen_by_its_owner_and_evaluators_only(
        client, administrator, officer, evaluator, django_capture_on_commit_callbacks):
    job = _run(django_capture_on_commit_callbacks, actor=administrator, kind="core.export",
               params={"table": "core.agencies", "format": "csv", "filename": "agencies"})
    assert job.status == Job.Status.DONE and job.result_name == "agencies.csv"
    for user, status in ((officer, 404), (evaluator, 200), (administrator, 200)):
        client.force_login(user)
        assert client.get(f"/staff/jobs/{job.pk}/").status_code == status
        assert client.get(f"/staff/jobs/{job.pk}/file/").status_code == status
    client.logout()
    assert client.get(f"/staff/jobs/{job.pk}/").status_code == 302  # to the sign-in page


def test_an_export_job_writes_a_file_that_imports_back_unchanged(
        client, administrator, django_capture_on_commit_callbacks, tmp_path):
    job = _run(django_capture_on_commit_callbacks, actor=administrator, kind="core.export",
               params={"table": "core.agencies", "format": "csv", "filename": "agencies"})
    client.force_login(administrator)
    response = client.get(f"/staff/jobs/{job.pk}/file/")
    content = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff"))))
    assert rows[0][:2] == ["code", "name_zh"] and len(rows) == Agency.objects.count() + 1
    again = _run(django_capture_on_commit_callbacks, actor=administrator, kind="core.import",
                 params={"importer": "agencies", "format": "csv"},
                 upload=_upload(content.lstrip("\ufeff")))
    assert again.status == Job.Status.DONE
    assert again.result["unchanged"] == Agency.objects.count()
    assert again.result["created"] == again.result["updated"] == 0


def test_a_refused_import_fails_the_job_with_the_reason_and_changes_nothing(
        client, officer, django_capture_on_commit_callbacks):
    before = Agency.objects.count()
    job = _run(django_capture_on_commit_callbacks, actor=officer, kind="core.import",
               params={"importer": "agencies", "format": "csv"}, upload=_upload(AGENCY_CSV))
    assert job.status == Job.Status.FAILED and job.message
    assert Agency.objects.count() == before
    assert AuditEvent.objects.filter(action="job.fail", object_id=str(job.pk)).exists()
    client.force_login(officer)
    body = client.get(f"/staff/jobs/{job.pk}/").content.decode()
    assert 'role="alert"' in body and "hx-get" not in body


def test_an_import_over_the_row_cap_is_refused_before_any_row(
        settings, administrator, django_capture_on_commit_callbacks):
    settings.YANKAO_IMPORT_MAX_ROWS = 3
    before = Agency.objects.count()
    job = _run(django_capture_on_commit_callbacks, actor=administrator, kind="core.import",
               params={"importer": "agencies", "format": "csv"}, upload=_upload(AGENCY_CSV))
    assert job.status == Job.Status.FAILED
    assert "3" in job.message
    assert Agency.objects.count() == before


def test_an_export_over_the_row_cap_fails_and_leaves_no_file(
        settings, administrator, django_capture_on_commit_callbacks):
    settings.YANKAO_EXPORT_MAX_ROWS = 10
    job = _run(django_capture_on_commit_callbacks, actor=administrator, kind="core.export",
               params={"table": "core.agencies", "format": "xlsx"})
    assert job.status == Job.Status.FAILED and not job.result_file
    assert "10" in job.message


def test_only_registered_kinds_start_and_only_for_signed_in_users(administrator):
    with pytest.raises(DomainError) as error:
        job_start(actor=administrator, kind="core.nothing")
    assert error.value.code == ErrorCode.INVALID
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(DomainError) as error:
        job_start(actor=AnonymousUser(), kind="core.export")
    assert error.value.code == ErrorCode.UNAUTHENTICATED
    assert not Job.objects.exists()


def test_a_job_whose_worker_died_is_marked_failed(administrator):
    job = Job.objects.create(kind="core.import", title="Import", requested_by=administrator,
                             status=Job.Status.RUNNING)
    fresh = Job.objects.create(kind="core.import", title="Import", requested_by=administrator,
                               status=Job.Status.RUNNING)
    later = timezone.now() + dt.timedelta(seconds=STALE_AFTER_SECONDS + 60)
    Job.objects.filter(pk=fresh.pk).update(updated_at=later)
    assert jobs_recover(now=later) == 1
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == Job.Status.FAILED and "worker stopped" in job.message
    assert fresh.status == Job.Status.RUNNING


def test_my_jobs_lists_my_own(client, administrator, officer):
    Job.objects.create(kind="core.import", title="Import mine", requested_by=administrator)
    Job.objects.create(kind="core.import", title="Import theirs", requested_by=officer)
    client.force_login(administrator)
    body = client.get("/staff/jobs/").content.decode()
    assert "Import mine" in body and "Import theirs" not in body


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cells_that_look_like_formulas_survive_export_and_import(
        client, administrator, django_capture_on_commit_callbacks, fmt):
    """Finding 8 of issue #11: export escaped formula cells (full-width ＝ not at all), and
    the escape came back on import. Now the file is safe to open and imports unchanged."""
    tricky = {"name_zh": "＝市府", "name_en": "=HYPERLINK(\"x\")", "short_name_zh": "'=x"}
    Agency.objects.filter(code="rdec").update(**tricky)
    job = _run(django_capture_on_commit_callbacks, actor=administrator, kind="core.export",
               params={"table": "core.agencies", "format": fmt, "filename": "agencies"})
    client.force_login(administrator)
    content = b"".join(client.get(f"/staff/jobs/{job.pk}/file/").streaming_content)
    if fmt == "csv":
        text = content.decode("utf-8-sig")
        assert "'＝市府" in text and "'=HYPERLINK" in text and "''=x" in text
    again = _run(django_capture_on_commit_callbacks, actor=administrator, kind="core.import",
                 params={"importer": "agencies", "format": fmt},
                 upload=ContentFile(content, name=f"agencies.{fmt}"))
    assert again.status == Job.Status.DONE, again.message
    assert again.result["updated"] == 0 and again.result["rejected_count"] == 0
    rdec = Agency.objects.get(code="rdec")
    assert {k: getattr(rdec, k) for k in tricky} == tricky
