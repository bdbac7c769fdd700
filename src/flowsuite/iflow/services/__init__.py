"""The iFlow face's rules: each service takes a connection, the caller's context and a typed command, and
answers a domain result or raises a domain error; the wire (iflow/wire/) reads forms and writes replies."""
