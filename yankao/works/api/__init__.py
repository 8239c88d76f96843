"""/api/v1 router of public works and the OCDS protocol (its own module)."""
