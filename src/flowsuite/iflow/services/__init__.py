"""The iFlow face's rules: each service takes a session, the caller's context and the form fields."""
