"""Any OpenAI-compatible chat endpoint (Ollama's /v1, vLLM, llama.cpp's server, LM Studio, DeepSeek, Qwen, OpenAI),
through llama-index's OpenAILike: its client retries and streams."""

from __future__ import annotations

import os
from collections.abc import Iterator
from functools import cached_property
from typing import Any

from .llm import GeneratorError, LLMGenerator


class OpenAIGenerator(LLMGenerator):
    @cached_property
    def client(self) -> Any:
        from llama_index.llms.openai_like import OpenAILike

        settings = self.settings
        key = "not-needed"  # local servers take any key; the client refuses to start without one
        if settings.api_key_env:
            key = os.environ.get(settings.api_key_env, "")
            if not key:
                raise GeneratorError(f"the API key variable {settings.api_key_env} is empty; export it first")
        return OpenAILike(
            model=settings.model,
            api_base=settings.base_url,
            api_key=key,
            is_chat_model=True,
            context_window=settings.context_window,
            temperature=settings.temperature,
            max_tokens=settings.max_tokens,
            timeout=settings.timeout_s,
            max_retries=settings.retries,
            additional_kwargs={"stop": list(settings.stop)} if settings.stop else {},
        )

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        from llama_index.core.llms import ChatMessage
        from openai import APIConnectionError, APIStatusError, APITimeoutError

        chat = [ChatMessage(role=m["role"], content=m["content"]) for m in messages]
        url = self.settings.base_url
        try:
            for response in self.client.stream_chat(chat):
                if response.delta:
                    yield response.delta
        except APIStatusError as exc:
            detail = str(exc.message)[:200]
            raise GeneratorError(f"the LLM endpoint {url} answered {exc.status_code}: {detail}") from exc
        except (APIConnectionError, APITimeoutError) as exc:
            raise GeneratorError(
                f"cannot reach the LLM endpoint {url} ({type(exc).__name__}); start it or set llm.base_url"
            ) from exc
