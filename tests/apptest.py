"""Helpers for driving the real app.py through Streamlit's AppTest: ``app`` (from
``harness.apptest``, shared with the benchmark) and ``texts``."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from harness.apptest import app

__all__ = ["app", "texts"]


def texts(at: AppTest) -> str:
    """Everything a person could read on the page, as one string."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "text",
        "caption",
        "success",
        "info",
        "warning",
        "error",
        "code",
    ):
        parts += [str(e.value) for e in at.get(kind)]
    for kind in ("text_input", "selectbox", "button", "tabs"):
        parts += [str(getattr(e, "label", "")) for e in at.get(kind)]
    for frame in [*at.dataframe, *at.table]:
        parts.append(frame.value.to_csv())
    parts += [e.proto.label for e in at.get("page_link")]
    parts += [str(getattr(e, "proto", "")) for e in at.get("html")]
    return "\n".join(parts)
