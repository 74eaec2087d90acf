"""Texts the public reads, in Polish (first) and English."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Language = Literal["pl", "en"]
LANGUAGES: tuple[Language, ...] = ("pl", "en")


class Text(BaseModel):
    """A text in Polish and English; Polish is what a Polish office publishes first."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    pl: str
    en: str

    def in_language(self, language: str) -> str:
        """The text in ``language``; Polish for any language we do not have."""
        return self.en if language == "en" else self.pl
