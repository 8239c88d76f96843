"""Writes of public works; each function is keyword-only, atomic and audited."""
