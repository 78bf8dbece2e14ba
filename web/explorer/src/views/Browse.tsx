/**
 * Browse: models and versions -> layers -> a grid of neurons (label, score, confidence, image strip), filtered
 * by label text and sorted by unit or score. Everything lives in the URL:
 * `/?model=M&version=V&layer=L&q=TEXT&sort=score&run=ID`.
 */
import { useEffect, useState } from 'preact/hooks';
import { request, ApiError } from '../api';
import { Await, Confidence, Empty, ErrorMessage, Heading, ImageStrip, Loading, formatNumber, useTitle } from '../components';
import type { LayerNeuronsQuery as LayerNeuronsResult, ModelsQuery as ModelsResult } from '../gql/graphql';
import { LayerNeuronsQuery, ModelsQuery } from '../queries';
import { href, navigate, neuronPath, useLocation, withQuery } from '../router';
import { useQuery } from '../use-query';

type Models = ModelsResult['models'];
type NeuronNode = LayerNeuronsResult['neurons']['edges'][number]['node'];

const PAGE = 100;

export function Browse() {
  const { query } = useLocation();
  const model = query.get('model') ?? '';
  const version = query.get('version') ?? '';
  const layer = query.get('layer') ?? '';
  const models = useQuery(ModelsQuery, {});
  useTitle(layer ? `${model}@${version} ${layer}` : model ? `${model}@${version}` : 'Browse');
  return (
    <>
      <Heading>{layer ? `${model}@${version} · ${layer}` : model ? `${model}@${version}` : 'Browse the atlas'}</Heading>
      <Await state={models} what="the models">
        {(data) =>
          data.models.length === 0 ? (
            <Empty>
              The atlas is empty. Dissect a model (<code>atlas dissect</code>) or <a href="/import">import an atlas</a>.
            </Empty>
          ) : (
            <BrowseModels models={data.models} model={model} version={version} layer={layer} />
          )
        }
      </Await>
    </>
  );
}

function BrowseModels({ models, model, version, layer }: { models: Models; model: string; version: string; layer: string }) {
  const selected = models.find((m) => m.name === model && (!version || m.version === version));
  return (
    <div class="browse">
      <nav aria-label="Models and layers" class="model-list">
        <ul>
          {models.map((m) => {
            const current = m === selected;
            return (
              <li key={`${m.name}@${m.version}`}>
                <a href={href('/', { model: m.name, version: m.version })} aria-current={current && !layer ? 'page' : undefined} class="model-link">
                  {m.name}
                  <span class="muted">@{m.version}</span>
                </a>
                {current && (
                  <ul class="layers">
                    {m.layers.map((l) => (
                      <li key={l.name}>
                        <a href={href('/', { model: m.name, version: m.version, layer: l.name })} aria-current={l.name === layer ? 'page' : undefined}>
                          {l.name} <span class="muted">{l.kind} · {l.units} units</span>
                        </a>
                      </li>
                    ))}
                  </ul>
                )}
              </li>
            );
          })}
        </ul>
      </nav>
      <section class="browse-main">
        {!model ? (
          <Empty>Choose a model, then a layer, to see its neurons.</Empty>
        ) : !selected ? (
          <ErrorMessage>
            There is no model {model}
            {version ? `@${version}` : ''} in the atlas.
          </ErrorMessage>
        ) : !layer ? (
          <Empty>Choose a layer of {selected.name}@{selected.version}.</Empty>
        ) : !selected.layers.some((l) => l.name === layer) ? (
          <ErrorMessage>
            {selected.name}@{selected.version} has no layer {layer}.
          </ErrorMessage>
        ) : (
          <NeuronGrid model={selected.name} version={selected.version} layer={layer} />
        )}
      </section>
    </div>
  );
}

interface GridState {
  status: 'loading' | 'done' | 'error';
  neurons: NeuronNode[];
  total: number;
  endCursor: string | null;
  hasNext: boolean;
  run: { id: string; method: string } | null;
  error?: string;
  loadingMore?: boolean;
}

function NeuronGrid({ model, version, layer }: { model: string; version: string; layer: string }) {
  const { query } = useLocation();
  const filter = query.get('q') ?? '';
  const sort = query.get('sort') === 'score' ? 'score' : 'unit';
  const run = query.get('run') ?? undefined;
  const [text, setText] = useState(filter);
  const [state, setState] = useState<GridState>({ status: 'loading', neurons: [], total: 0, endCursor: null, hasNext: false, run: null });
  useEffect(() => setText(filter), [filter]);

  const load = async (after: string | null, previous: NeuronNode[], signal?: AbortSignal): Promise<void> => {
    try {
      const data = await request(
        LayerNeuronsQuery,
        // Sorted by the server, so "best first" holds over the whole layer, not just the loaded page.
        { model, version, layer, first: PAGE, after, labelContains: filter || null, run: run ?? null, images: 5, orderBy: sort === 'score' ? 'SCORE_DESC' : 'UNIT' },
        { signal },
      );
      const page = data.neurons;
      setState({
        status: 'done',
        neurons: [...previous, ...page.edges.map((e) => e.node)],
        total: page.totalCount,
        endCursor: page.pageInfo.endCursor ?? null,
        hasNext: page.pageInfo.hasNextPage,
        run: page.run ?? null,
      });
    } catch (error) {
      if (signal?.aborted) return;
      setState((s) => ({ ...s, status: 'error', loadingMore: false, error: error instanceof ApiError ? error.message : String(error) }));
    }
  };

  useEffect(() => {
    const abort = new AbortController();
    setState({ status: 'loading', neurons: [], total: 0, endCursor: null, hasNext: false, run: null });
    void load(null, [], abort.signal);
    return () => abort.abort();
  }, [model, version, layer, filter, run, sort]);

  const neurons = state.neurons;
  return (
    <>
      <form
        class="toolbar"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(withQuery({ q: text.trim() }));
        }}
      >
        <label>
          Label contains{' '}
          <input type="search" name="q" value={text} onInput={(e) => setText(e.currentTarget.value)} placeholder="e.g. stripes" />
        </label>
        <button type="submit">Filter</button>
        <label>
          Sort by{' '}
          <select value={sort} onChange={(e) => navigate(withQuery({ sort: e.currentTarget.value === 'score' ? 'score' : undefined }), { replace: true })}>
            <option value="unit">unit</option>
            <option value="score">score (best first)</option>
          </select>
        </label>
      </form>
      {state.status === 'loading' && <Loading what="neurons" />}
      {state.status === 'error' && <ErrorMessage>Could not load the neurons: {state.error}</ErrorMessage>}
      {state.status === 'done' && (
        <>
          <p class="muted" aria-live="polite">
            {state.total} neuron{state.total === 1 ? '' : 's'}
            {filter ? ` whose label contains “${filter}”` : ''}
            {state.run ? ` · labels from run ${state.run.id} (${state.run.method})` : ' · no run has labelled this layer'}
            {sort === 'score' ? ' · labelled neurons, best score first' : ''}
          </p>
          {neurons.length === 0 ? (
            <Empty>No neuron matches{filter ? ` “${filter}”` : ''}.</Empty>
          ) : (
            <ul class="grid" aria-label="Neurons">
              {neurons.map((n) => (
                <li key={n.unit} class="card">
                  <a href={neuronPath(model, version, layer, n.unit) + (run ? `?run=${encodeURIComponent(run)}` : '')} class="card-link">
                    <span class="unit">unit {n.unit}</span>
                    <span class="label">{n.label ?? <span class="muted">unlabelled</span>}</span>
                    <span class="score">score {formatNumber(n.score)}</span>
                    <Confidence value={n.confidence} />
                  </a>
                  <ImageStrip images={n.topImages} size={44} />
                </li>
              ))}
            </ul>
          )}
          {state.hasNext && (
            <button
              type="button"
              disabled={state.loadingMore}
              onClick={() => {
                setState((s) => ({ ...s, loadingMore: true }));
                void load(state.endCursor, state.neurons);
              }}
            >
              {state.loadingMore ? 'Loading…' : `Load ${Math.min(PAGE, state.total - state.neurons.length)} more`}
            </button>
          )}
        </>
      )}
    </>
  );
}
