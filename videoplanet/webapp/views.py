"""The reviewer web app: its built index.html (web/dist) for every path the app routes
in the browser. Its assets are static files under /static/app/ (WhiteNoise)."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>VideoPlanet</title></head>
<body><h1>The web app is not built</h1>
<p>Build it with <code>make web</code>
(or <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>), then reload
this page. The API is at <a href="/api/v1/">/api/v1/</a>.</p></body></html>
"""


@require_safe
def app_shell(request: HttpRequest) -> HttpResponse:
    """The single-page app's shell; never cached, so a new build shows on the next load
    (the hashed assets it links to are cached for a year)."""
    index = settings.WEB_DIST_DIR / "index.html"
    try:
        body = index.read_bytes()
    except FileNotFoundError:
        response = HttpResponse(NOT_BUILT, content_type="text/html; charset=utf-8")
    else:
        response = HttpResponse(body, content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
