"""The ASGI application uvicorn serves (``inspectnet.asgi:app``)."""

from inspectnet.app import create_app

app = create_app()
