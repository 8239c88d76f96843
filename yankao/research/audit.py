"""Audit actions of research and publications."""

from yankao.core.audit import AuditAction


class ResearchAction(AuditAction):
    PROJECT_SAVE = "research.project.save"
    MILESTONE_DONE = "research.milestone.done"
    THESIS_SAVE = "research.thesis.save"
    TRIP_SAVE = "research.trip.save"
    TRIP_PUBLISH = "research.trip.publish"
    RECOMMENDATION_REPLY = "research.recommendation.reply"
    JOURNAL_SAVE = "research.journal.save"
    GLOSSARY_PROPOSE = "research.glossary.propose"
    GLOSSARY_REVIEW = "research.glossary.review"
    NOMINATION_SAVE = "research.nomination.save"
    NOMINATION_REVIEW = "research.nomination.review"
    COURTESY_PLAN = "research.courtesy.plan"
    COURTESY_CALL = "research.courtesy.call"
    COURTESY_REFUSED = "research.courtesy.refused"
