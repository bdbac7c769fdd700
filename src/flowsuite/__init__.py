"""flowsuite: the iFlow API V2, ITFlow API v1 and Cflow integration API on one real database."""

__version__ = "0.1.0"
