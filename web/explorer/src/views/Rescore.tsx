/**
 * Rescore playground at `/rescore?model=M@V&layer=L&fn=SOFT_WPMI&c=one%0Atwo`: new labels for a
 * whole layer from concepts typed or pasted (one per line or comma-separated), beside the labels
 * shown now; "Save as a run" stores them (needs the API key).
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { Await, Empty, ErrorMessage, Heading, formatNumber, modelRef, parseModelRef, useTitle } from '../components';
import type { SimilarityFunction } from '../gql/graphql';
import { ModelsQuery, RescoreQuery, SaveRescoreMutation } from '../queries';
import { href, navigate, neuronPath, useLocation } from '../router';
import { useApiKey, useQuery } from '../use-query';
import { ApiKeyField } from './ApiKey';

const FUNCTIONS: SimilarityFunction[] = ['SOFT_WPMI', 'WPMI', 'COS_SIMILARITY', 'COS_SIMILARITY_CUBED', 'RANK_REORDER'];
/** Concept lists longer than this stay out of the URL (browsers and servers cap URL length). */
const URL_CONCEPTS_LIMIT = 4000;

export function parseConcepts(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(/[\n,;\t]/)) {
    const concept = part.trim();
    if (concept) seen.add(concept);
  }
  return [...seen];
}

interface Request {
  model: string;
  version?: string;
  layer: string;
  fn: SimilarityFunction;
  concepts: string[];
}

export function Rescore() {
  const { query } = useLocation();
  const models = useQuery(ModelsQuery, {});
  const fromUrl = (): Request | null => {
    const ref = parseModelRef(query.get('model'));
    const concepts = parseConcepts(query.get('c') ?? '');
    const layer = query.get('layer') ?? '';
    const fn = (FUNCTIONS as string[]).includes(query.get('fn') ?? '') ? (query.get('fn') as SimilarityFunction) : 'SOFT_WPMI';
    return ref && layer && concepts.length ? { model: ref.name, version: ref.version, layer, fn, concepts } : null;
  };
  const [submitted, setSubmitted] = useState<Request | null>(fromUrl);
  const [form, setForm] = useState({ model: query.get('model') ?? '', layer: query.get('layer') ?? '', fn: query.get('fn') ?? 'SOFT_WPMI', concepts: query.get('c') ?? '' });
  const search = location.search;
  useEffect(() => {
    const next = fromUrl();
    if (next) setSubmitted(next);
    // The URL changed (back/forward or a shared link): follow it.

  }, [search]);
  useTitle('Rescore');
  const result = useQuery(
    RescoreQuery,
    submitted ? { model: submitted.model, version: submitted.version ?? null, layer: submitted.layer, concepts: submitted.concepts, function: submitted.fn } : null,
  );
  const layers = models.status === 'done' ? (models.data.models.find((m) => modelRef(m) === form.model)?.layers ?? []) : [];
  const concepts = parseConcepts(form.concepts);
  return (
    <>
      <Heading>Rescore playground</Heading>
      <p class="muted">
        New labels for every neuron of a layer, from concepts you choose, using the stored activations and image embeddings (no model is run). Nothing is stored until
        you save.
      </p>
      <form
        class="stack"
        onSubmit={(event) => {
          event.preventDefault();
          const ref = parseModelRef(form.model);
          if (!ref || !form.layer || !concepts.length) return;
          const fn = form.fn as SimilarityFunction;
          const next = { model: ref.name, version: ref.version, layer: form.layer, fn, concepts };
          setSubmitted(next);
          const text = concepts.join('\n');
          navigate(href('/rescore', { model: form.model, layer: form.layer, fn: fn === 'SOFT_WPMI' ? '' : fn, c: text.length <= URL_CONCEPTS_LIMIT ? text : '' }), { replace: true });
        }}
      >
        <div class="toolbar">
          <label>
            Model{' '}
            <select required value={form.model} onChange={(e) => setForm({ ...form, model: e.currentTarget.value, layer: '' })}>
              <option value="">choose…</option>
              {models.status === 'done' &&
                models.data.models.map((m) => (
                  <option key={modelRef(m)} value={modelRef(m)}>
                    {modelRef(m)}
                  </option>
                ))}
            </select>
          </label>
          <label>
            Layer{' '}
            <select required value={form.layer} disabled={!form.model} onChange={(e) => setForm({ ...form, layer: e.currentTarget.value })}>
              <option value="">choose…</option>
              {layers.map((l) => (
                <option key={l.name} value={l.name}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            Similarity{' '}
            <select value={form.fn} onChange={(e) => setForm({ ...form, fn: e.currentTarget.value })}>
              {FUNCTIONS.map((f) => (
                <option key={f} value={f}>
                  {f.toLowerCase()}
                </option>
              ))}
            </select>
          </label>
        </div>
        <label class="block">
          Concepts (one per line, or separated by commas) · {concepts.length}
          <textarea rows={6} value={form.concepts} onInput={(e) => setForm({ ...form, concepts: e.currentTarget.value })} placeholder={'stripes\ndots\ncircle\nred'} />
        </label>
        <div>
          <button type="submit" disabled={!form.model || !form.layer || !concepts.length}>
            Rescore
          </button>
        </div>
      </form>
      {!submitted ? (
        <Empty>Choose a model and layer, type some concepts, and press Rescore.</Empty>
      ) : (
        <Await state={result} what="the new labels">
          {(data) => (
            <>
              <p class="muted" aria-live="polite">
                {data.rescore.units.length} units rescored with {submitted.concepts.length} concepts ({data.rescore.encodedConcepts} newly encoded), beside the labels of run{' '}
                {data.rescore.baseRun.id} ({data.rescore.baseRun.method}).
              </p>
              <SaveRun request={submitted} />
              <table class="rescore">
                <thead>
                  <tr>
                    <th scope="col">Unit</th>
                    <th scope="col">New label</th>
                    <th scope="col">Score</th>
                    <th scope="col">Previous label</th>
                  </tr>
                </thead>
                <tbody>
                  {data.rescore.units.map((u) => (
                    <tr key={u.unit} class={u.previousLabel === u.label ? 'same' : 'changed'}>
                      <td>
                        <a href={neuronPath(submitted.model, submitted.version ?? '', submitted.layer, u.unit)}>{u.unit}</a>
                      </td>
                      <td>{u.label}</td>
                      <td class="num">{formatNumber(u.score)}</td>
                      <td>{u.previousLabel ?? '–'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </Await>
      )}
    </>
  );
}

function SaveRun({ request: req }: { request: Request }) {
  const [apiKey, setApiKey] = useApiKey();
  const [name, setName] = useState('');
  const [state, setState] = useState<{ status: 'idle' | 'saving' } | { status: 'saved'; run: string } | { status: 'error'; error: string }>({ status: 'idle' });
  useEffect(() => setState({ status: 'idle' }), [req]);
  return (
    <form
      class="toolbar save"
      onSubmit={async (event) => {
        event.preventDefault();
        setState({ status: 'saving' });
        try {
          const data = await request(
            SaveRescoreMutation,
            { model: req.model, version: req.version ?? null, layer: req.layer, concepts: req.concepts, function: req.fn, conceptSetName: name.trim() || null },
            { apiKey },
          );
          setState({ status: 'saved', run: data.saveRescore.run.id });
        } catch (error) {
          setState({ status: 'error', error: error instanceof ApiError ? error.message : String(error) });
        }
      }}
    >
      <ApiKeyField value={apiKey} onChange={setApiKey} />
      <label>
        Concept set name <input value={name} onInput={(e) => setName(e.currentTarget.value)} placeholder="optional" />
      </label>
      <button type="submit" disabled={state.status === 'saving'}>
        {state.status === 'saving' ? 'Saving…' : 'Save as a run'}
      </button>
      {state.status === 'saved' && (
        <p role="status">
          Saved as run {state.run}. <a href={href('/', { model: req.model, version: req.version, layer: req.layer, run: state.run })}>See its labels</a>.
        </p>
      )}
      {state.status === 'error' && <ErrorMessage>Could not save: {state.error}</ErrorMessage>}
    </form>
  );
}
