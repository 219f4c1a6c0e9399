"""In-process fakes for tests: a scriptable model server speaking the Anthropic and OpenAI wire formats."""

from tests.fakes.model_server import DEFAULT_VERDICT, FakeModelServer, Recorded, Reply

__all__ = ["DEFAULT_VERDICT", "FakeModelServer", "Recorded", "Reply"]
