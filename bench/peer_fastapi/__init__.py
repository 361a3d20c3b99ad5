"""The FastAPI peer of `make bench` (bench/README.md): same endpoints, another stack."""
