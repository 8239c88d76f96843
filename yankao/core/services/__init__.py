"""Every write in core goes through a function here: keyword-only, atomic, audited."""
