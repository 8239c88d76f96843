from yankao.core.audit import AuditAction


class CitydataAction(AuditAction):
    KEY_ISSUE = "citydata.key.issue"
    KEY_REVOKE = "citydata.key.revoke"
    ENTITY_CREATE = "citydata.entity.create"
    ENTITY_UPDATE = "citydata.entity.update"
    ENTITY_DELETE = "citydata.entity.delete"
    EPISODE_OPEN = "citydata.episode.open"
    EPISODE_CLOSE = "citydata.episode.close"
    PARTITION_DROP = "citydata.partition.drop"
    RULE_SAVE = "citydata.rule.save"
