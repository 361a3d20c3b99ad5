"""`make bench`: load-test the feedback endpoints against a naive DRF baseline.

``python -m bench.run`` seeds a throwaway SQLite database (20 videos × 500 feedbacks,
with comments and reactions), starts real server processes on 127.0.0.1 and drives
them with wrk at 32 connections. The app's endpoints and a tutorial-style DRF
``ModelSerializer`` implementation of the same endpoints (``bench.naive``) are served by
the same process with the same settings (``bench.settings``), so every ratio compares
code, not setup. See ``bench.run`` for what is measured and where the results go.
"""
