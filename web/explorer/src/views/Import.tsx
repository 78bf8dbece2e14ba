/**
 * Import at `/import`: a CSV atlas made by another tool (CLIP-Dissect, MILAN, Network Dissection)
 * stored as a run (needs the API key). A refused file is shown with the line and column the
 * server names, and that line of the file.
 */
import { useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { ErrorMessage, Heading, useTitle } from '../components';
import type { ImportAtlasMutation, ImportFormat } from '../gql/graphql';
import { ImportMutation } from '../queries';
import { href } from '../router';
import { useApiKey } from '../use-query';
import { ApiKeyField } from './ApiKey';

const FORMATS: { value: ImportFormat; text: string }[] = [
  { value: 'CLIP_DISSECT', text: 'CLIP-Dissect (layer,unit,description,similarity)' },
  { value: 'MILAN', text: 'MILAN (layer,unit,description)' },
  { value: 'NETDISSECT', text: 'Network Dissection (one layer)' },
];

/** "…: line 12, column 3 (unit): reason" -> 12 and "3 (unit)". */
export function errorPlace(message: string): { line: number; column?: string } | null {
  const match = /line (\d+)(?:, column ([^:]+))?/.exec(message);
  return match ? { line: Number(match[1]), column: match[2] } : null;
}

type State =
  | { status: 'idle' | 'sending' }
  | { status: 'done'; result: ImportAtlasMutation['importAtlas']; model: string; version: string }
  | { status: 'error'; error: string; place: { line: number; column?: string } | null };

export function Import() {
  useTitle('Import');
  const [apiKey, setApiKey] = useApiKey();
  const [form, setForm] = useState({ format: 'CLIP_DISSECT' as ImportFormat, model: '', version: '', layer: '', csv: '', file: '' });
  const [state, setState] = useState<State>({ status: 'idle' });
  const lines = form.csv.split(/\r?\n/);
  return (
    <>
      <Heading>Import an atlas</Heading>
      <p class="muted">Labels made by another tool become a run of that method; the model and its layers are created when absent.</p>
      <form
        class="stack"
        onSubmit={async (event) => {
          event.preventDefault();
          setState({ status: 'sending' });
          try {
            const data = await request(
              ImportMutation,
              { format: form.format, csv: form.csv, model: form.model.trim(), version: form.version.trim(), layer: form.layer.trim() || null },
              { apiKey },
            );
            setState({ status: 'done', result: data.importAtlas, model: form.model.trim(), version: form.version.trim() });
          } catch (error) {
            const message = error instanceof ApiError ? error.message : String(error);
            setState({ status: 'error', error: message, place: errorPlace(message) });
          }
        }}
      >
        <div class="toolbar">
          <label>
            Format{' '}
            <select value={form.format} onChange={(e) => setForm({ ...form, format: e.currentTarget.value as ImportFormat })}>
              {FORMATS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.text}
                </option>
              ))}
            </select>
          </label>
          <label>
            Model <input required value={form.model} onInput={(e) => setForm({ ...form, model: e.currentTarget.value })} placeholder="resnet18" />
          </label>
          <label>
            Version <input required value={form.version} onInput={(e) => setForm({ ...form, version: e.currentTarget.value })} placeholder="places365" />
          </label>
          {form.format === 'NETDISSECT' && (
            <label>
              Layer <input required value={form.layer} onInput={(e) => setForm({ ...form, layer: e.currentTarget.value })} placeholder="layer4" />
            </label>
          )}
        </div>
        <label class="block">
          CSV file{' '}
          <input
            type="file"
            accept=".csv,text/csv"
            onChange={async (e) => {
              const file = e.currentTarget.files?.[0];
              if (file) setForm({ ...form, csv: await file.text(), file: file.name });
            }}
          />
        </label>
        <label class="block">
          or paste it {form.csv ? `· ${lines.length} lines${form.file ? ` from ${form.file}` : ''}` : ''}
          <textarea rows={8} spellcheck={false} value={form.csv} onInput={(e) => setForm({ ...form, csv: e.currentTarget.value, file: '' })} placeholder={'layer,unit,description\nlayer4,0,striped fabric'} />
        </label>
        <div class="toolbar">
          <ApiKeyField value={apiKey} onChange={setApiKey} />
          <button type="submit" disabled={state.status === 'sending' || !form.csv.trim()}>
            {state.status === 'sending' ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
      {state.status === 'error' && (
        <div role="alert" class="import-error">
          <ErrorMessage>The import was refused: {state.error}</ErrorMessage>
          {state.place && lines[state.place.line - 1] !== undefined && (
            <figure>
              <figcaption>
                Line {state.place.line}
                {state.place.column ? `, column ${state.place.column}` : ''}:
              </figcaption>
              <pre>{lines[state.place.line - 1]}</pre>
            </figure>
          )}
        </div>
      )}
      {state.status === 'done' && (
        <div role="status" class="import-done">
          <p>
            Imported {state.result.labels} labels as run {state.result.run.id} ({state.result.run.method}); {state.result.embeddedLabels} are searchable.
          </p>
          <ul>
            {state.result.layers.map((l) => (
              <li key={l.name}>
                <a href={href('/', { model: state.model, version: state.version, layer: l.name, run: state.result.run.id })}>{l.name}</a>: {l.labelled} of {l.units}{' '}
                units labelled{l.created ? ' (new layer)' : ''}
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}
