"""The audit actions of open data (each one a state change written by a service)."""

from __future__ import annotations

from yankao.core.audit import AuditAction


class OpendataAction(AuditAction):
    PUBLISHER_SAVE = "opendata.publisher.save"
    DATASET_CREATE = "opendata.dataset.create"
    DATASET_UPDATE = "opendata.dataset.update"
    DATASET_PUBLISH = "opendata.dataset.publish"
    DATASET_WITHDRAW = "opendata.dataset.withdraw"
    RESOURCE_ADD = "opendata.resource.add"
    RESOURCE_UPDATE = "opendata.resource.update"
    RESOURCE_REMOVE = "opendata.resource.remove"
    FIELDS_SET = "opendata.resource.fields"
    QUALITY_ASSESS = "opendata.quality.assess"
    PUSH_QUEUE = "opendata.push.queue"
    PUSH_RESULT = "opendata.push.result"
    REQUEST_SUBMIT = "opendata.request.submit"
    REQUEST_MODERATE = "opendata.request.moderate"
    REQUEST_ANSWER = "opendata.request.answer"
    COMMENT_SUBMIT = "opendata.comment.submit"
    COMMENT_MODERATE = "opendata.comment.moderate"
    COMMENT_ANSWER = "opendata.comment.answer"
    SHARE_GRANT = "opendata.share.grant"
    SHARE_REVOKE = "opendata.share.revoke"
    SHARE_LINK = "opendata.share.link"
    SHARE_LINK_REVOKE = "opendata.share.link_revoke"
    SHARE_DOWNLOAD = "opendata.share.download"
    SHARE_DOWNLOAD_REFUSED = "opendata.share.download_refused"
