"""Projects, their members and roles, and the videos under review."""
