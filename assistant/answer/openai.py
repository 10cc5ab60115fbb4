"""Any OpenAI-compatible chat endpoint: Ollama's /v1, vLLM, llama.cpp's server, LM Studio, DeepSeek, Qwen, OpenAI."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

import httpx

from .llm import GeneratorError, LLMGenerator


class OpenAIGenerator(LLMGenerator):
    def stream(self, messages: list[dict[str, str]]) -> Iterator[str]:
        settings = self.settings
        url = settings.base_url.rstrip("/") + "/chat/completions"
        headers = {}
        if settings.api_key_env:
            key = os.environ.get(settings.api_key_env, "")
            if not key:
                raise GeneratorError(f"the API key variable {settings.api_key_env} is empty; export it first")
            headers["Authorization"] = f"Bearer {key}"
        body = {
            "model": settings.model,
            "messages": messages,
            "temperature": settings.temperature,
            "max_tokens": settings.max_tokens,
            "stream": True,
        }
        try:
            with httpx.stream("POST", url, json=body, headers=headers, timeout=settings.timeout_s) as response:
                if response.status_code >= 400:
                    detail = response.read().decode("utf-8", "replace")[:200]
                    raise GeneratorError(f"the LLM endpoint {url} answered {response.status_code}: {detail}")
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        return
                    choices = json.loads(data).get("choices") or [{}]
                    token = (choices[0].get("delta") or {}).get("content")
                    if token:
                        yield token
        except httpx.HTTPError as exc:
            raise GeneratorError(
                f"cannot reach the LLM endpoint {url} ({type(exc).__name__}); start it or set llm.base_url"
            ) from exc
