"""The Cflow integration API face: workflows, process stages with approval statuses, records."""
