"""The legacy /api.php (filled in by the legacy service)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
