"""The floor for HTTP benchmarks: a FastAPI endpoint that answers {} without parsing the body."""

from fastapi import FastAPI

app = FastAPI()


@app.post("/trivial")
async def trivial() -> dict[str, str]:
    return {}
