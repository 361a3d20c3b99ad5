"""Live review rooms: one WebSocket room per video, contract-checked events, presence."""
