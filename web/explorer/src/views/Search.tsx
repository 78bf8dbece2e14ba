/**
 * Search at `/search?q=TEXT&model=M@V&layer=L&min=0.3`: neurons whose labels mean something close
 * to the text, and probe images near it (with the neurons that fire most for each).
 */
import { useEffect, useState } from 'preact/hooks';
import { Await, Empty, Heading, ImageStrip, Thumb, formatNumber, modelRef, parseModelRef, useTitle } from '../components';
import { ModelsQuery, SearchImagesQuery, SearchNeuronsQuery } from '../queries';
import { href, navigate, neuronPath, useLocation } from '../router';
import { useQuery } from '../use-query';

export function Search() {
  const { query } = useLocation();
  const q = query.get('q')?.trim() ?? '';
  const modelText = query.get('model') ?? '';
  const layer = query.get('layer') ?? '';
  const minText = query.get('min') ?? '';
  const minScore = minText !== '' && Number.isFinite(Number(minText)) ? Number(minText) : null;
  const picked = parseModelRef(modelText);
  const models = useQuery(ModelsQuery, {});
  const [form, setForm] = useState({ q, model: modelText, layer, min: minText });
  useEffect(() => setForm({ q, model: modelText, layer, min: minText }), [q, modelText, layer, minText]);
  const filters = { model: picked?.name ?? null, version: picked?.version ?? null, layer: layer || null };
  const neurons = useQuery(SearchNeuronsQuery, q ? { query: q, first: 24, ...filters, minScore } : null);
  const images = useQuery(SearchImagesQuery, q ? { query: q, first: 12, ...filters } : null);
  useTitle(q ? `Search: ${q}` : 'Search');
  const layers = models.status === 'done' ? (models.data.models.find((m) => modelRef(m) === form.model)?.layers ?? []) : [];
  return (
    <>
      <Heading>Search</Heading>
      <form
        class="toolbar"
        role="search"
        onSubmit={(event) => {
          event.preventDefault();
          navigate(href('/search', { q: form.q.trim(), model: form.model, layer: form.model ? form.layer : '', min: form.min }));
        }}
      >
        <label>
          Concept{' '}
          <input type="search" name="q" required maxLength={500} value={form.q} onInput={(e) => setForm({ ...form, q: e.currentTarget.value })} placeholder="e.g. stripes" />
        </label>
        <label>
          Model{' '}
          <select value={form.model} onChange={(e) => setForm({ ...form, model: e.currentTarget.value, layer: '' })}>
            <option value="">any</option>
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
          <select value={form.layer} disabled={!form.model} onChange={(e) => setForm({ ...form, layer: e.currentTarget.value })}>
            <option value="">any</option>
            {layers.map((l) => (
              <option key={l.name} value={l.name}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Min. similarity{' '}
          <input type="number" step="0.05" min="-1" max="1" value={form.min} onInput={(e) => setForm({ ...form, min: e.currentTarget.value })} class="narrow" />
        </label>
        <button type="submit">Search</button>
      </form>
      {!q ? (
        <Empty>Type a concept (a word or phrase) to find the neurons and probe images that match it.</Empty>
      ) : (
        <div class="columns">
          <section aria-labelledby="neuron-hits">
            <h2 id="neuron-hits">Neurons</h2>
            <Await state={neurons} what="matching neurons">
              {(data) =>
                data.searchNeurons.length === 0 ? (
                  <Empty>No neuron's label is near “{q}”{minScore !== null ? ` with similarity ≥ ${minScore}` : ''}.</Empty>
                ) : (
                  <ul class="hits">
                    {data.searchNeurons.map((hit) => (
                      <li key={hit.neuron.id} class="card">
                        <a class="card-link" href={neuronPath(hit.neuron.model.name, hit.neuron.model.version, hit.neuron.layer.name, hit.neuron.unit)}>
                          <span class="unit">
                            {hit.neuron.model.name}@{hit.neuron.model.version} · {hit.neuron.layer.name} · unit {hit.neuron.unit}
                          </span>
                          <span class="label">{hit.neuron.label}</span>
                          <span class="score">similarity {formatNumber(hit.similarity)}</span>
                        </a>
                        <ImageStrip images={hit.neuron.topImages} size={40} />
                      </li>
                    ))}
                  </ul>
                )
              }
            </Await>
          </section>
          <section aria-labelledby="image-hits">
            <h2 id="image-hits">Probe images</h2>
            <Await state={images} what="matching images">
              {(data) =>
                data.searchImages.length === 0 ? (
                  <Empty>No probe image embeddings are stored to search.</Empty>
                ) : (
                  <ul class="image-hits">
                    {data.searchImages.map((hit) => (
                      <li key={`${hit.image.probeSet.name}/${hit.image.ordinal}`}>
                        <Thumb image={hit.image} size={80} />
                        <span class="caption">
                          sim. {formatNumber(hit.similarity)}
                          {hit.image.topNeurons.map((n) => (
                            <a key={n.neuron.id} href={neuronPath(n.neuron.model.name, n.neuron.model.version, n.neuron.layer.name, n.neuron.unit)}>
                              {n.neuron.layer.name}/{n.neuron.unit} {n.neuron.label ?? ''}
                            </a>
                          ))}
                        </span>
                      </li>
                    ))}
                  </ul>
                )
              }
            </Await>
          </section>
        </div>
      )}
    </>
  );
}
