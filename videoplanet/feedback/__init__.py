"""Timestamped feedback on a video, threaded comments with @mentions, emoji reactions."""
