"""Every write of open data. Other apps use these (and ``selectors``) only."""
