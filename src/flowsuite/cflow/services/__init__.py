"""Cflow services: workflows, values and records; no HTTP here."""
