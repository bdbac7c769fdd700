"""The console's rules: accounts and sessions, and the views' reads and writes (no HTTP here)."""
