"""Tells drf-spectacular how reporter tokens appear in the OpenAPI document."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class ReporterTokenScheme(OpenApiAuthenticationExtension):
    target_class = "videoplanet.monitoring.authentication.ReporterTokenAuthentication"
    name = "reporterAuth"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A reporter token (`manage.py monitoring_reporter NAME`), "
            "not a user's API token.",
        }
