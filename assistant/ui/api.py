"""The app's Blocks: Gradio's, but an API call whose values cannot be read gets one line saying what the endpoint
takes. Gradio sends its own input errors with no text unless show_error is on, which would send every
exception's text."""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import gradio as gr


def input_error(endpoint: str, names: Sequence[str], sent: int, bad: str = "", reason: str = "") -> str:
    """One line for an API call whose values Gradio cannot read: which values the endpoint takes, what was wrong."""
    takes = f"{endpoint} takes {len(names)} values ({', '.join(names)})"
    if sent < len(names):
        return f"{takes}; it was sent {sent}"
    if bad == "history":
        return f"{takes}; history must be a list of messages, each {{'role': 'user' or 'assistant', 'content': …}}"
    first = reason.strip().splitlines()[0][:120] if reason.strip() else "unreadable"
    return f"{takes}; {bad or 'a value'} is malformed ({first})"


class Blocks(gr.Blocks):
    async def preprocess_data(self, block_fn: Any, inputs: list[Any], state: Any, explicit_call: bool = False) -> Any:
        try:
            return await super().preprocess_data(block_fn, inputs, state, explicit_call)
        except gr.Error:
            raise
        except Exception as exc:
            # The values named as the API shows them: by the handler's parameters, State inputs left out.
            params = inspect.signature(block_fn.fn).parameters
            api = [(name, b) for name, b in zip(params, block_fn.inputs, strict=False) if not b.skip_api]
            values = inputs
            if len(inputs) == len(block_fn.inputs):  # Gradio adds the State values to a call that sent all
                values = [v for b, v in zip(block_fn.inputs, inputs, strict=True) if not b.skip_api]
            bad = next((name for (name, b), v in zip(api, values) if not _readable(b, v)), "")
            names = [name for name, _ in api]
            raise gr.Error(input_error(f"/{block_fn.api_name}", names, len(values), bad, str(exc))) from exc


def _readable(block: Any, value: Any) -> bool:
    """Whether Gradio can read ``value`` as the input ``block`` (its data model accepts it)."""
    model = getattr(block, "data_model", None)
    if model is None or value is None:
        return True
    try:
        model.model_validate(value)
    except Exception:
        return False
    return True
