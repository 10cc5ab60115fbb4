"""Any OpenAI-compatible chat endpoint (Ollama's /v1, vLLM, llama.cpp's server, LM Studio, DeepSeek, Qwen, OpenAI),
through llama-index's OpenAILike: its client retries and streams.

A stream stopped early (at ``llm.max_sentences`` or the refusal sentinel) has its HTTP response closed at once. Left
to the garbage collector, the OpenAI SDK's abandoned stream (a reference cycle) is finalised at any allocation, even
inside httpcore's connection-pool lock while the next request holds it; its close takes that lock again and the
thread deadlocks (encode/httpcore#990). The responses are caught by an httpx event hook, per thread, since the UI
answers two questions at once with one client.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from functools import cached_property
from typing import Any

import httpx

from .llm import GeneratorError, LLMGenerator


class _Opened(threading.local):
    """The HTTP responses of the stream this thread is reading."""

    def __init__(self) -> None:
        self.responses: list[httpx.Response] = []

    def add(self, response: httpx.Response) -> None:
        self.responses.append(response)


class OpenAIGenerator(LLMGenerator):
    _opened = _Opened()

    @cached_property
    def client(self) -> Any:
        from llama_index.llms.openai_like import OpenAILike
        from openai import DefaultHttpxClient

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
            http_client=DefaultHttpxClient(event_hooks={"response": [self._opened.add]}),
        )

    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        from llama_index.core.llms import ChatMessage
        from openai import APIConnectionError, APIStatusError, APITimeoutError

        chat = [ChatMessage(role=m["role"], content=m["content"]) for m in messages]
        url = self.settings.base_url
        opened = self._opened.responses = []
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
        finally:
            for response in opened:
                response.close()
