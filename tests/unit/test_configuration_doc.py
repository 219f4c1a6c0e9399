"""The configuration reference is generated from the Settings model and must not drift from it."""

from __future__ import annotations

from pathlib import Path

from service.settings import Settings, settings_markdown

ROOT = Path(__file__).resolve().parents[2]


def test_docs_configuration_lists_every_setting() -> None:
    doc = (ROOT / "docs" / "configuration.md").read_text()
    assert settings_markdown() in doc, "regenerate the table in docs/configuration.md from settings_markdown()"


def test_every_setting_has_a_description() -> None:
    missing = [name for name, field in Settings.model_fields.items() if not field.description]
    assert missing == []


def test_embedded_defaults_need_no_service_and_no_key() -> None:
    settings = Settings()
    assert settings.reviewer == "local" and settings.database_url is None
    assert settings.anthropic_api_key is None and settings.openai_api_key is None
