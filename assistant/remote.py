"""Asking a running chat app through its API (``policy-assistant ask --url``): no model, index or torch here.

The app's ``/ask`` endpoint answers with the cleared textbox, the chat, the sources panel and the answer as
Markdown with its sources (docs/ui.md); this client sends the question and filters, and returns that Markdown.
It speaks Gradio's HTTP protocol directly (POST the values, then read the event stream) because importing
gradio_client alone costs about as long as the answer.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from typing import Any

import httpx


class RemoteError(Exception):
    """The app could not be reached or did not answer; one line for the command line."""


PASSWORD_ENV = "POLICY_ASSISTANT_PASSWORD"
"""Where ``ask --url --user NAME`` reads the password from (it is asked for when this is unset)."""


def _login(client: httpx.Client, base: str, url: str, auth: tuple[str, str]) -> None:
    """Log in to the app (Gradio's /login form); the client keeps the session cookie it sets."""
    user, password = auth
    answered = client.post(f"{base}/login", data={"username": user, "password": password})
    if answered.status_code in (400, 401):  # Gradio answers 400 "Incorrect credentials."
        raise RemoteError(f"the app at {url} refused the login of '{user}': wrong user name or password")
    if answered.is_redirect:  # an app without a login sends the browser back to its page: nothing to do
        return
    answered.raise_for_status()


def _last_message(history: Any) -> str:
    """The chat's last message as plain text (what the app says when it could not answer)."""
    if not isinstance(history, list) or not history or not isinstance(history[-1], dict):
        return ""
    content = history[-1].get("content", "")
    if isinstance(content, list):
        content = " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", str(content))).split())


def ask_remote(
    url: str,
    question: str,
    doc_ids: Sequence[str] = (),
    types: Sequence[str] = (),
    langs: Sequence[str] = (),
    since: str = "",
    until: str = "",
    timeout: float = 120.0,
    auth: tuple[str, str] | None = None,
) -> str:
    """The answer to ``question`` from the app at ``url``, as Markdown with its sources (filters as in ask).

    ``auth`` (user, password) logs in first, as gradio_client's ``Client(url, auth=...)`` does: a form POST to
    ``/login``, whose session cookie the client then sends with the question."""
    base = url.rstrip("/")
    values = [question, [], list(doc_ids), list(types), list(langs), since, until]
    try:
        with httpx.Client(timeout=timeout) as client:
            if auth is not None:
                _login(client, base, url, auth)
            posted = client.post(f"{base}/gradio_api/call/ask", json={"data": values})
            if posted.status_code in (401, 403):
                raise RemoteError(
                    f"the app at {url} asks for a login: give --user NAME, with the password in "
                    f"${PASSWORD_ENV} or typed when asked"
                    if auth is None
                    else f"the app at {url} did not accept the login of '{auth[0]}' for asking"
                )
            posted.raise_for_status()
            event_id = posted.json()["event_id"]
            stream = client.get(f"{base}/gradio_api/call/ask/{event_id}")
            stream.raise_for_status()
    except httpx.HTTPError as exc:
        raise RemoteError(f"cannot ask the app at {url}: {exc}") from exc
    except (ValueError, KeyError) as exc:
        raise RemoteError(f"{url} did not answer as the policy assistant's app does ({exc})") from exc
    # Server-sent events: 'event: generating' while the answer streams, then 'complete' (or 'error').
    events = re.findall(r"^event: (\w+)\ndata: (.*)$", stream.text, re.M)
    if not events or events[-1][0] != "complete":
        detail = events[-1][1] if events else stream.text[:200]
        raise RemoteError(f"the app at {url} could not answer: {detail}")
    outputs = json.loads(events[-1][1])
    if len(outputs) < 4 or not outputs[3] or not str(outputs[3]).startswith(f"**Question:** {question.strip()}"):
        raise RemoteError(_last_message(outputs[1] if len(outputs) > 1 else None) or "no answer came back")
    return str(outputs[3])
