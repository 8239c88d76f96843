"""The /api/v1 pieces core provides: authentication, problem JSON, and core's own router."""
