"""A local GGUF model through llama-cpp-python (the optional 'llm' extra: it compiles for about 8 minutes)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import Any

from .llm import GeneratorError, LLMGenerator


class LlamaCppGenerator(LLMGenerator):
    @cached_property
    def model(self) -> Any:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise GeneratorError(
                "the llamacpp generator needs llama-cpp-python: pip install 'policy-assistant[llm]'"
            ) from exc
        path = Path(self.settings.gguf_path).expanduser()
        if not path.is_file():
            raise GeneratorError(f"GGUF model file '{path}' not found; set llm.gguf_path")
        return Llama(model_path=str(path), n_ctx=4096, verbose=False)

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        for chunk in self.model.create_chat_completion(
            messages=messages,
            temperature=self.settings.temperature,
            max_tokens=self.settings.max_tokens,
            stop=list(self.settings.stop) or None,
            stream=True,
        ):
            token = chunk["choices"][0].get("delta", {}).get("content")
            if token:
                yield token
