"""Companies (tenants), API credentials of every face, and the audit log."""
