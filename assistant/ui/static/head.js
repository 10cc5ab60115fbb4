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

// The question box's character count: "123 / 2,000 characters", marked at the limit (where the box's maxlength
// stops typing and pasting). Gradio clears the box after a question by setting its value, which fires no input
// event, so the count is also refreshed on a short timer.
function updateQuestionCount() {
  const box = document.querySelector('#question textarea');
  const counter = document.querySelector('#question-count .char-count');
  if (!box || !counter) return;
  const limit = Number(counter.dataset.limit);
  const used = box.value.length;
  const text = used.toLocaleString('en') + ' / ' + limit.toLocaleString('en') + ' characters' +
    (used >= limit ? ': the limit' : '');
  if (counter.textContent !== text) counter.textContent = text;
  counter.classList.toggle('at-limit', used >= limit);
}
document.addEventListener('input', function (event) {
  if (event.target.closest && event.target.closest('#question')) updateQuestionCount();
}, true);
setInterval(updateQuestionCount, 500);
