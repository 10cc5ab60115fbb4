// The sources panel's js_on_load (gr.HTML): `element` is the panel, `server` calls its server functions.
// One delegated listener, since the panel's HTML is replaced after every answer.
element.addEventListener('click', async (event) => {
  const button = event.target.closest('button.show-doc');
  if (!button || !element.contains(button)) return;
  event.preventDefault();
  const entry = button.closest('.source');
  const view = entry.querySelector('.doc-view');
  if (!view.hidden) { view.hidden = true; button.textContent = 'Show whole document'; return; }
  button.disabled = true;
  button.textContent = 'Loading…';
  try {
    const html = await server.document_view(button.dataset.doc, Number(button.dataset.start),
                                            Number(button.dataset.end));
    view.innerHTML = html;  // built on the server from escaped text
    view.hidden = false;
    button.textContent = 'Hide whole document';
    const mark = view.querySelector('mark.cited');
    if (mark) view.scrollTop = Math.max(0, mark.offsetTop - view.clientHeight / 3);
  } catch (error) {
    view.textContent = 'Could not load the document: ' + error;
    view.hidden = false;
    button.textContent = 'Show whole document';
  } finally {
    button.disabled = false;
  }
});
