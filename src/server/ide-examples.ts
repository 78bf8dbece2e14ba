/**
 * The example queries of the GraphQL page (GraphiQL's tabs at GET /graphql, and the plain page
 * served when GraphiQL is not built). Plain data: the browser bundle imports this file too.
 */

/**
 * The example queries. They name what the default atlas holds (models `resnet-v1`,
 * `resnet-v2`, `vit`, version `toy`), so each one answers on a fresh `npm start`; a test runs
 * every one against the default atlas's snapshot.
 */
export const EXAMPLES: Record<string, { query: string; variables: string }> = {
  'Models and layers': {
    query: `query Models {
  models { name version layers { name kind units } }
}`,
    variables: '{}',
  },
  'Neurons of a layer': {
    query: `query Neurons($model: String!, $layer: String!, $after: String) {
  neurons(model: $model, layer: $layer, first: 20, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { unit label score } }
    run { id method }
  }
}`,
    variables: '{ "model": "resnet-v1", "layer": "layer4" }',
  },
  'One neuron': {
    query: `query Neuron($model: String!, $layer: String!, $unit: Int!) {
  neuron(model: $model, layer: $layer, unit: $unit) {
    id label score
    labels(first: 5) { rank text score }
    topImages(first: 5) { ordinal uri url thumbnailUrl activation }
    run { id method similarity finishedAt }
  }
}`,
    variables: '{ "model": "resnet-v1", "layer": "fc", "unit": 3 }',
  },
  'Top images with heatmaps': {
    query: `# url, thumbnailUrl and heatmapUrl are paths on this server: open them in the browser.
query TopImages($model: String!, $layer: String!, $unit: Int!) {
  neuron(model: $model, layer: $layer, unit: $unit) {
    label score
    topImages(first: 4) { rank activation url thumbnailUrl heatmapUrl }
  }
}`,
    variables: '{ "model": "resnet-v1", "layer": "layer4", "unit": 7 }',
  },
  'Search neurons by meaning': {
    query: `query Search($q: String!, $model: String) {
  searchNeurons(query: $q, first: 5, model: $model) {
    similarity
    neuron { unit label score layer { name } model { name version } }
  }
}`,
    variables: '{ "q": "star", "model": "resnet-v1" }',
  },
  'Probe images near a phrase': {
    query: `query Images($q: String!) {
  searchImages(query: $q, first: 3) {
    similarity
    image { ordinal uri thumbnailUrl topNeurons(first: 3) { activation neuron { unit label layer { name } } } }
  }
}`,
    variables: '{ "q": "red circle" }',
  },
  'Rescore a layer with new concepts': {
    query: `# Nothing is stored; the mutation saveRescore stores it (with the API key in the headers).
query Rescore($model: String!, $layer: String!, $concepts: [String!]!) {
  rescore(model: $model, layer: $layer, concepts: $concepts) {
    encodedConcepts
    units { unit label score previousLabel }
  }
}`,
    variables: '{ "model": "resnet-v1", "layer": "fc", "concepts": ["circle", "ring", "star", "square", "heart"] }',
  },
  'Network Dissection labels': {
    query: `query NetDissect($model: String!, $layer: String!) {
  neurons(model: $model, layer: $layer, method: "netdissect", first: 10) {
    edges { node { unit label score } }
    run { id method similarity }
  }
}`,
    variables: '{ "model": "resnet-v1", "layer": "layer2" }',
  },
  'Dissection runs': {
    query: `query Runs {
  dissections { id method similarity params status timings startedAt finishedAt
    model { name version } clipModel { name dim } probeSet { name size } conceptSet { name size } layers }
}`,
    variables: '{}',
  },
};
