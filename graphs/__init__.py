"""LangGraph workflows only: state, nodes, edges. No FastAPI, SDK or SQL code lives here."""

from graphs.ports import ReviewPorts
from graphs.review import build_review_graph

__all__ = ["ReviewPorts", "build_review_graph"]
