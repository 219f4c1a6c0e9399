"""The ASGI app uvicorn serves (``service.asgi:app``), configured from the environment."""

from service.main import create_app

app = create_app()
