// Loaded into the page's <head> (assistant/ui/app.py). Listeners are delegated from the document because Gradio
// re-renders chat messages and the sources panel whenever they change.

// A citation marker [n] in an answer links to #source-<turn>-<n>: open that entry (and its answer's group) in the
// sources panel, scroll to it and mark it active.
document.addEventListener('click', function (event) {
  const link = event.target.closest ? event.target.closest('a[href^="#source-"]') : null;
  if (!link) return;
  const entry = document.getElementById(link.getAttribute('href').slice(1));
  if (!entry) return;
  event.preventDefault();
  const group = entry.closest('details.turn');
  if (group) group.open = true;
  if (entry.tagName === 'DETAILS') entry.open = true;
  document.querySelectorAll('.source.active').forEach(function (e) { e.classList.remove('active'); });
  entry.classList.add('active');
  entry.scrollIntoView({block: 'start', behavior: 'smooth'});
}, true);
