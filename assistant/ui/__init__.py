"""The chat UI: Gradio over Assistant.ask_stream(), ingest(), remove() and document_text().

Pure modules build what is shown and are tested without a browser: ``markup`` (escaping), ``rendering`` (chat
replies, status line, documents table), ``sources`` (the sources panel), ``uploads`` and ``feedback``. Gradio is
wired in ``handlers`` (the event handlers over one Assistant), ``api`` (the app's Blocks) and ``app`` (the page,
its events and ``launch``). Document text is always escaped before it reaches the page: no HTML, Markdown link or
script from a document is ever live.
"""

import os

# Gradio reads this when it is first imported, and any module of this package may be what imports it.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
