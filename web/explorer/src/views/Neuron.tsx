/**
 * One neuron at `/neurons/<model>/<version>/<layer>/<unit>` (`?run=ID` for another run's labels):
 * its top labels with scores and confidences, top-activating images with activations and heatmaps, the labels of
 * every run that labelled its layer, probe images near its label, and its neighbours (neurons of
 * the model whose labels mean something close).
 */
import { Await, Empty, ErrorMessage, Heading, Thumb, formatNumber, useTitle } from '../components';
import type { NeuronQuery as NeuronResult } from '../gql/graphql';
import { NeuronNearQuery, NeuronQuery, RunLabelQuery, SearchNeuronsQuery } from '../queries';
import { href, neuronPath, useLocation } from '../router';
import { useQuery } from '../use-query';

type NeuronData = NonNullable<NeuronResult['neuron']>;

export const NEURON_IMAGES = 20;

export function NeuronPage({ params }: { params: string[] }) {
  const { query } = useLocation();
  const [model = '', version = '', layer = '', unitText = ''] = params;
  const unit = /^\d+$/.test(unitText) ? Number(unitText) : null;
  const run = query.get('run') ?? null;
  const state = useQuery(NeuronQuery, unit === null ? null : { model, version, layer, unit, run, labels: 10, images: NEURON_IMAGES });
  useTitle(`${model}@${version} ${layer} unit ${unitText}`);
  return (
    <>
      <nav aria-label="Breadcrumb" class="crumbs">
        <a href="/">Browse</a> › <a href={href('/', { model, version })}>{model}@{version}</a> › <a href={href('/', { model, version, layer })}>{layer}</a>
      </nav>
      <Heading>
        {layer} · unit {unitText}
      </Heading>
      {unit === null ? (
        <ErrorMessage>“{unitText}” is not a unit number.</ErrorMessage>
      ) : (
        <Await state={state} what="the neuron">
          {(data) => (data.neuron ? <NeuronDetails neuron={data.neuron} run={run} /> : <ErrorMessage>There is no such neuron.</ErrorMessage>)}
        </Await>
      )}
    </>
  );
}

function NeuronDetails({ neuron, run }: { neuron: NeuronData; run: string | null }) {
  const { model, layer } = neuron;
  return (
    <div class="neuron">
      <section aria-labelledby="labels-heading">
        <h2 id="labels-heading">Labels</h2>
        {neuron.run ? (
          <p class="muted">
            From run {neuron.run.id} ({neuron.run.method}
            {neuron.run.similarity ? `, ${neuron.run.similarity}` : ''})
          </p>
        ) : (
          <Empty>No run has labelled this layer.</Empty>
        )}
        {neuron.labels.length > 0 && (
          <table class="labels">
            <thead>
              <tr>
                <th scope="col">Rank</th>
                <th scope="col">Label</th>
                <th scope="col">Score</th>
                <th scope="col" title="Estimated probability that the label is right (– where the run stored none)">
                  Confidence
                </th>
              </tr>
            </thead>
            <tbody>
              {neuron.labels.map((l) => (
                <tr key={l.rank}>
                  <td>{l.rank + 1}</td>
                  <td>{l.text}</td>
                  <td class="num">{formatNumber(l.score)}</td>
                  <td class="num">{l.confidence === null || l.confidence === undefined ? '–' : l.confidence.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="images-heading">
        <h2 id="images-heading">Top-activating images</h2>
        {neuron.topImages.length === 0 ? (
          <Empty>This run stored no top images for the neuron.</Empty>
        ) : (
          <ol class="images" aria-label="Top-activating images">
            {neuron.topImages.map((image) => (
              <li key={image.rank}>
                <Thumb image={image} size={112} />
                {image.heatmapUrl ? <Thumb image={image} size={112} heatmap /> : null}
                <span class="caption">
                  #{image.rank + 1} · act. {formatNumber(image.activation)}
                </span>
              </li>
            ))}
          </ol>
        )}
      </section>
      <OtherRuns neuron={neuron} current={run ?? neuron.run?.id ?? null} />
      <ImagesNear model={model.name} version={model.version} layer={layer.name} unit={neuron.unit} run={run} hasLabel={!!neuron.label} />
      <Neighbours model={model.name} version={model.version} layer={layer.name} unit={neuron.unit} label={neuron.label ?? null} />
    </div>
  );
}

/** The labels every other run gave this neuron (CLIP-Dissect, NetDissect, imported MILAN...). */
function OtherRuns({ neuron, current }: { neuron: NeuronData; current: string | null }) {
  const runs = neuron.model.dissections.filter((d) => d.layers.includes(neuron.layer.name));
  return (
    <section aria-labelledby="runs-heading">
      <h2 id="runs-heading">Labels by run</h2>
      {runs.length === 0 ? (
        <Empty>No run has labelled this layer.</Empty>
      ) : (
        <table class="runs">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Method</th>
              <th scope="col">Labels</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((r) => (
              <tr key={r.id} aria-current={r.id === current ? 'true' : undefined}>
                <td>
                  <a href={`${neuronPath(neuron.model.name, neuron.model.version, neuron.layer.name, neuron.unit)}?run=${encodeURIComponent(r.id)}`}>run {r.id}</a>
                  {r.id === current ? ' (shown)' : ''}
                </td>
                <td>{r.method}</td>
                <td>
                  <RunLabels model={neuron.model.name} version={neuron.model.version} layer={neuron.layer.name} unit={neuron.unit} run={r.id} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RunLabels(props: { model: string; version: string; layer: string; unit: number; run: string }) {
  const state = useQuery(RunLabelQuery, props);
  if (state.status === 'loading' || state.status === 'idle') return <span class="muted">…</span>;
  if (state.status === 'error') return <span class="error">{state.error}</span>;
  const labels = state.data.neuron?.labels ?? [];
  if (!labels.length) return <span class="muted">no label</span>;
  return <span>{labels.map((l) => `${l.text} (${formatNumber(l.score)})`).join(', ')}</span>;
}

function ImagesNear(props: { model: string; version: string; layer: string; unit: number; run: string | null; hasLabel: boolean }) {
  const { hasLabel, ...variables } = props;
  const state = useQuery(NeuronNearQuery, hasLabel ? variables : null);
  return (
    <section aria-labelledby="near-heading">
      <h2 id="near-heading">Probe images near its label</h2>
      {!hasLabel ? (
        <Empty>The neuron has no label to compare images with.</Empty>
      ) : (
        <Await state={state} what="the images near its label">
          {(data) => {
            const hits = data.neuron?.imagesNear ?? [];
            if (!hits.length) return <Empty>No probe image embeddings are stored for this run.</Empty>;
            return (
              <ul class="images" aria-label="Images near the label">
                {hits.map((hit) => (
                  <li key={hit.image.ordinal}>
                    <Thumb image={hit.image} size={80} />
                    <span class="caption">sim. {formatNumber(hit.similarity)}</span>
                  </li>
                ))}
              </ul>
            );
          }}
        </Await>
      )}
    </section>
  );
}

/** Neurons of the same model whose labels are nearest to this one's (CLIP text embeddings). */
function Neighbours({ model, version, layer, unit, label }: { model: string; version: string; layer: string; unit: number; label: string | null }) {
  const state = useQuery(SearchNeuronsQuery, label ? { query: label, first: 9, model, version } : null);
  return (
    <section aria-labelledby="neighbours-heading">
      <h2 id="neighbours-heading">Neighbours</h2>
      <p class="muted">Neurons of {model}@{version} whose labels mean something close to this one's.</p>
      {!label ? (
        <Empty>The neuron has no label, so it has no neighbours by label.</Empty>
      ) : (
        <Await state={state} what="the neighbours">
          {(data) => {
            const hits = data.searchNeurons.filter((h) => !(h.neuron.layer.name === layer && h.neuron.unit === unit)).slice(0, 8);
            if (!hits.length) return <Empty>No other neuron has a label near “{label}”.</Empty>;
            return (
              <ul class="neighbours">
                {hits.map((h) => (
                  <li key={h.neuron.id}>
                    <a href={neuronPath(h.neuron.model.name, h.neuron.model.version, h.neuron.layer.name, h.neuron.unit)}>
                      {h.neuron.layer.name} · unit {h.neuron.unit}
                    </a>{' '}
                    {h.neuron.label} <span class="muted">(sim. {formatNumber(h.similarity)})</span>
                  </li>
                ))}
              </ul>
            );
          }}
        </Await>
      )}
    </section>
  );
}
