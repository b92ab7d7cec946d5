"""GraphiQL served from the package, so it works on an intranet with no route to a public CDN.

The assets are the builds strawberry's own page loads from unpkg (same versions, same SRI
hashes), shipped under ``inspectnet/static/graphiql`` with their licences; the page names
only ``/graphiql/static/…`` and runs under a Content-Security-Policy that forbids other hosts.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import FileResponse, Response

STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "graphiql"
STATIC_PREFIX = "/graphiql/static/"

# Served names and their media types; nothing outside this table is served.
ASSETS: dict[str, str] = {
    "react.production.min.js": "text/javascript; charset=utf-8",
    "react-dom.production.min.js": "text/javascript; charset=utf-8",
    "graphiql.min.js": "text/javascript; charset=utf-8",
    "graphiql.min.css": "text/css; charset=utf-8",
    "plugin-explorer.umd.js": "text/javascript; charset=utf-8",
    "plugin-explorer.css": "text/css; charset=utf-8",
}

# The inline script below is the page's only one; styles inline are GraphiQL's own.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
)

_PAGE = """<!doctype html>
<html lang="zh-CN">
  <head>
    <meta charset="utf-8" />
    <title>inspectnet GraphiQL</title>
    <style>
      body { height: 100%; margin: 0; width: 100%; overflow: hidden; }
      #graphiql { height: 100vh; display: flex; }
      .graphiql-explorer-actions select { margin-left: 4px; }
    </style>
    <link rel="stylesheet" href="{prefix}graphiql.min.css" />
    <link rel="stylesheet" href="{prefix}plugin-explorer.css" />
    <script src="{prefix}react.production.min.js"></script>
    <script src="{prefix}react-dom.production.min.js"></script>
  </head>
  <body>
    <div id="graphiql" class="graphiql-container">Loading…</div>
    <script src="{prefix}graphiql.min.js"></script>
    <script src="{prefix}plugin-explorer.umd.js"></script>
    <script>
      const fetcher = GraphiQL.createFetcher({ url: window.location.href.split("?")[0] });
      function Page() {
        return React.createElement(GraphiQL, {
          fetcher: fetcher,
          defaultEditorToolsVisibility: true,
          plugins: [GraphiQLPluginExplorer.explorerPlugin()],
          inputValueDeprecation: true,
          isHeadersEditorEnabled: true,
          shouldPersistHeaders: true,
        });
      }
      ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(Page));
    </script>
  </body>
</html>
"""

PAGE = _PAGE.replace("{prefix}", STATIC_PREFIX)


def asset(name: str) -> Response:
    """``/graphiql/static/<name>``: a file of ``ASSETS`` with its type, anything else 404."""
    if name not in ASSETS:
        return Response(status_code=404)
    return FileResponse(
        STATIC_DIR / name,
        media_type=ASSETS[name],
        headers={"cache-control": "public, max-age=3600"},
    )
