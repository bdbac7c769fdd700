"""The ITFlow API v1 face: /api/v1/<module>/<function>.php and the legacy /api.php."""
