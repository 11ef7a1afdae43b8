"""The ASGI entry point for a server process (uvicorn api.asgi:app): settings from the environment."""

from api.main import create_app

app = create_app()
