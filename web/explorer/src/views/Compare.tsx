/**
 * Compare at `/compare?a=M@V&b=M@V&layer=L`: how two models' neurons match (activation correlation
 * over a shared probe set, else by unit), how often their labels agree, the matched pairs side by
 * side with their top images, and the labels that changed.
 */
import { useEffect, useState } from 'preact/hooks';
import { Await, Empty, ErrorMessage, Heading, ImageStrip, formatNumber, modelRef, parseModelRef, percent, useTitle } from '../components';
import type { CompareQuery as CompareResult } from '../gql/graphql';
import { CompareQuery, LayerNeuronsQuery, ModelsQuery } from '../queries';
import { href, navigate, neuronPath, useLocation } from '../router';
import { useQuery } from '../use-query';

type Comparison = CompareResult['compareModels'];

const PAIRS_PER_PAGE = 24;

export function Compare() {
  const { query } = useLocation();
  const a = query.get('a') ?? '';
  const b = query.get('b') ?? '';
  const layer = query.get('layer') ?? '';
  const models = useQuery(ModelsQuery, {});
  const [form, setForm] = useState({ a, b, layer });
  useEffect(() => setForm({ a, b, layer }), [a, b, layer]);
  const refA = parseModelRef(a);
  const refB = parseModelRef(b);
  const state = useQuery(CompareQuery, refA && refB && layer ? { a: refA, b: refB, layer } : null);
  useTitle(a && b ? `Compare ${a} and ${b}` : 'Compare');
  const list = models.status === 'done' ? models.data.models : [];
  const layerNames = [...new Set(list.filter((m) => modelRef(m) === form.a || modelRef(m) === form.b).flatMap((m) => m.layers.map((l) => l.name)))];
  return (
    <>
      <Heading>Compare two models</Heading>
      <form
        class="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(href('/compare', form));
        }}
      >
        {(['a', 'b'] as const).map((side) => (
          <label key={side}>
            Model {side.toUpperCase()}{' '}
            <select required value={form[side]} onChange={(e) => setForm({ ...form, [side]: e.currentTarget.value })}>
              <option value="">choose…</option>
              {list.map((m) => (
                <option key={modelRef(m)} value={modelRef(m)}>
                  {modelRef(m)}
                </option>
              ))}
            </select>
          </label>
        ))}
        <label>
          Layer{' '}
          <select required value={form.layer} onChange={(e) => setForm({ ...form, layer: e.currentTarget.value })}>
            <option value="">choose…</option>
            {layerNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={!form.a || !form.b || !form.layer}>
          Compare
        </button>
      </form>
      {!(refA && refB && layer) ? (
        <Empty>Choose two models (or two versions of one) and a layer both have.</Empty>
      ) : (
        <Await state={state} what="the comparison">
          {(data) => <ComparisonView comparison={data.compareModels} layer={layer} />}
        </Await>
      )}
    </>
  );
}

function ComparisonView({ comparison, layer }: { comparison: Comparison; layer: string }) {
  const [shown, setShown] = useState(PAIRS_PER_PAGE);
  const [onlyChanged, setOnlyChanged] = useState(false);
  const imagesA = useQuery(LayerNeuronsQuery, { model: comparison.a.name, version: comparison.a.version, layer, first: 500, images: 3 });
  const imagesB = useQuery(LayerNeuronsQuery, { model: comparison.b.name, version: comparison.b.version, layer, first: 500, images: 3 });
  const byUnit = (state: typeof imagesA) => new Map(state.status === 'done' ? state.data.neurons.edges.map((e) => [e.node.unit, e.node.topImages] as const) : []);
  const stripsA = byUnit(imagesA);
  const stripsB = byUnit(imagesB);
  const changed = comparison.matches.filter((m) => !m.sameLabel);
  const pairs = onlyChanged ? changed : comparison.matches;
  return (
    <>
      <dl class="summary">
        <div>
          <dt>Agreement</dt>
          <dd>{percent(comparison.agreement)} of matched neurons keep their label</dd>
        </div>
        <div>
          <dt>Matched by</dt>
          <dd>
            {comparison.matchedBy === 'ACTIVATION_CORRELATION' ? `activation correlation over ${comparison.probeSet?.name ?? 'a shared probe set'}` : 'unit index (no shared probe set)'}
          </dd>
        </div>
        <div>
          <dt>Mean label similarity</dt>
          <dd>{formatNumber(comparison.meanLabelSimilarity)}</dd>
        </div>
        <div>
          <dt>Changed labels</dt>
          <dd>
            {changed.length} of {comparison.matches.length}
          </dd>
        </div>
      </dl>
      {(imagesA.status === 'error' || imagesB.status === 'error') && <ErrorMessage>Could not load the neurons' images.</ErrorMessage>}
      <label class="check">
        <input type="checkbox" checked={onlyChanged} onChange={(e) => setOnlyChanged(e.currentTarget.checked)} /> Only changed labels
      </label>
      {pairs.length === 0 ? (
        <Empty>{onlyChanged ? 'No label changed.' : 'No neurons were matched.'}</Empty>
      ) : (
        <table class="pairs">
          <caption class="sr-only">Matched neurons</caption>
          <thead>
            <tr>
              <th scope="col">{modelRef(comparison.a)}</th>
              <th scope="col">{modelRef(comparison.b)}</th>
              <th scope="col">Correlation</th>
            </tr>
          </thead>
          <tbody>
            {pairs.slice(0, shown).map((m) => (
              <tr key={m.unit} class={m.sameLabel ? 'same' : 'changed'}>
                <td>
                  <a href={neuronPath(comparison.a.name, comparison.a.version, layer, m.unit)}>unit {m.unit}</a> {m.label ?? '–'}
                  <ImageStrip images={stripsA.get(m.unit) ?? []} size={40} />
                </td>
                <td>
                  <a href={neuronPath(comparison.b.name, comparison.b.version, layer, m.matchUnit)}>unit {m.matchUnit}</a> {m.matchLabel ?? '–'}
                  {!m.sameLabel && <span class="badge">changed</span>}
                  <ImageStrip images={stripsB.get(m.matchUnit) ?? []} size={40} />
                </td>
                <td class="num">{formatNumber(m.correlation)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pairs.length > shown && (
        <button type="button" onClick={() => setShown(shown + PAIRS_PER_PAGE)}>
          Show {Math.min(PAIRS_PER_PAGE, pairs.length - shown)} more pairs
        </button>
      )}
    </>
  );
}
