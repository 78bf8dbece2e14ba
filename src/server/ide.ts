/**
 * A small self-contained GraphQL query page (no CDN, works offline): query and variables boxes,
 * a Run button (Ctrl/Cmd+Enter), example queries, and the response. Served at GET /graphql to
 * browsers while GraphiQL (web/graphiql) is not built.
 */

import { EXAMPLES } from './ide-examples.js';

export { EXAMPLES };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function idePage(endpoint = '/graphql'): string {
  const first = Object.values(EXAMPLES)[0]!;
  const options = Object.keys(EXAMPLES)
    .map((name) => `<option>${escapeHtml(name)}</option>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>neuron-atlas GraphQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; display: flex; flex-direction: column; height: 100vh; }
  header { padding: 8px 12px; background: #1f2933; color: #fff; display: flex; gap: 12px; align-items: center; }
  header h1 { font-size: 16px; margin: 0; flex: 1; }
  main { flex: 1; display: grid; grid-template-columns: 1fr 1fr; gap: 8px; padding: 8px; min-height: 0; }
  .col { display: flex; flex-direction: column; gap: 6px; min-height: 0; }
  textarea, pre { font: 13px ui-monospace, monospace; border: 1px solid #cbd2d9; border-radius: 4px; padding: 8px; margin: 0; }
  #query { flex: 3; } #variables { flex: 1; }
  pre { flex: 1; overflow: auto; background: #f5f7fa; white-space: pre-wrap; }
  button { font-size: 14px; padding: 4px 16px; }
  label { font-weight: 600; }
</style></head>
<body>
<header><h1>neuron-atlas GraphQL</h1>
  <select id="examples" aria-label="examples">${options}</select>
  <button id="run" title="Ctrl+Enter">Run &#9654;</button>
  <span id="status"></span>
</header>
<main>
  <div class="col"><label for="query">Query</label>
    <textarea id="query" spellcheck="false">${escapeHtml(first.query)}</textarea>
    <label for="variables">Variables (JSON)</label>
    <textarea id="variables" spellcheck="false">${escapeHtml(first.variables)}</textarea></div>
  <div class="col"><label for="result">Response</label><pre id="result"></pre></div>
</main>
<script>
const examples = ${JSON.stringify(EXAMPLES).replace(/</g, '\\u003c')};
const $ = (id) => document.getElementById(id);
$('examples').onchange = (e) => { const ex = examples[e.target.value]; $('query').value = ex.query; $('variables').value = ex.variables; };
async function run() {
  let variables = {};
  try { variables = JSON.parse($('variables').value || '{}'); }
  catch (err) { $('result').textContent = 'Variables are not valid JSON: ' + err.message; return; }
  $('status').textContent = '...';
  const started = performance.now();
  try {
    const res = await fetch(${JSON.stringify(endpoint)}, { method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: $('query').value, variables }) });
    const text = await res.text();
    try { $('result').textContent = JSON.stringify(JSON.parse(text), null, 2); } catch { $('result').textContent = text; }
    $('status').textContent = res.status + ' in ' + Math.round(performance.now() - started) + ' ms';
  } catch (err) { $('result').textContent = String(err); $('status').textContent = 'failed'; }
}
$('run').onclick = run;
document.addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); } });
</script>
</body></html>`;
}
