"""The iFlow API V2 face: employees, schedules, attendance, leaves, monthly totals (/api/api_v2/...)."""
