"""`mtcheck serve`: the HTTP API under /v1 and the editor's page at /.

Needs the `serve` extra (FastAPI and uvicorn); the rest of mtcheck never imports this
package. `mtcheck.web.app.create_app(settings)` builds the ASGI application.
"""
