/** Every operation the explorer sends (typed by `npm run codegen` into gql/). */
import { graphql } from './gql';

export const ModelsQuery = graphql(`
  query Models {
    models {
      name
      version
      layers {
        name
        kind
        units
      }
    }
  }
`);

export const LayerNeuronsQuery = graphql(`
  query LayerNeurons($model: String!, $version: String, $layer: String!, $first: Int, $after: String, $labelContains: String, $run: ID, $images: Int, $orderBy: NeuronOrder) {
    neurons(model: $model, version: $version, layer: $layer, first: $first, after: $after, labelContains: $labelContains, run: $run, orderBy: $orderBy) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      run {
        id
        method
      }
      edges {
        node {
          unit
          label
          score
          confidence
          topImages(first: $images) {
            ordinal
            uri
            url
            thumbnailUrl
            activation
          }
        }
      }
    }
  }
`);

export const NeuronQuery = graphql(`
  query Neuron($model: String!, $version: String, $layer: String!, $unit: Int!, $run: ID, $labels: Int, $images: Int) {
    neuron(model: $model, version: $version, layer: $layer, unit: $unit, run: $run) {
      id
      unit
      label
      score
      layer {
        name
        kind
        units
      }
      model {
        name
        version
        dissections {
          id
          method
          layers
          finishedAt
        }
      }
      run {
        id
        method
        similarity
        finishedAt
      }
      labels(first: $labels) {
        rank
        text
        score
        confidence
      }
      topImages(first: $images) {
        rank
        ordinal
        uri
        url
        thumbnailUrl
        heatmapUrl
        activation
      }
    }
  }
`);

export const NeuronNearQuery = graphql(`
  query NeuronNear($model: String!, $version: String, $layer: String!, $unit: Int!, $run: ID) {
    neuron(model: $model, version: $version, layer: $layer, unit: $unit, run: $run) {
      id
      imagesNear(first: 10) {
        similarity
        image {
          ordinal
          uri
          url
          thumbnailUrl
        }
      }
    }
  }
`);

export const RunLabelQuery = graphql(`
  query RunLabel($model: String!, $version: String, $layer: String!, $unit: Int!, $run: ID!) {
    neuron(model: $model, version: $version, layer: $layer, unit: $unit, run: $run) {
      id
      labels(first: 3) {
        rank
        text
        score
      }
    }
  }
`);

export const SearchNeuronsQuery = graphql(`
  query SearchNeurons($query: String!, $first: Int, $model: String, $version: String, $layer: String, $minScore: Float) {
    searchNeurons(query: $query, first: $first, model: $model, version: $version, layer: $layer, minScore: $minScore) {
      similarity
      neuron {
        id
        unit
        label
        score
        layer {
          name
        }
        model {
          name
          version
        }
        topImages(first: 4) {
          ordinal
          uri
          url
          thumbnailUrl
          activation
        }
      }
    }
  }
`);

export const SearchImagesQuery = graphql(`
  query SearchImages($query: String!, $first: Int, $model: String, $version: String, $layer: String) {
    searchImages(query: $query, first: $first) {
      similarity
      image {
        ordinal
        uri
        url
        thumbnailUrl
        probeSet {
          name
        }
        topNeurons(first: 3, model: $model, version: $version, layer: $layer) {
          activation
          neuron {
            id
            unit
            label
            layer {
              name
            }
            model {
              name
              version
            }
          }
        }
      }
    }
  }
`);

export const RescoreQuery = graphql(`
  query Rescore($model: String!, $version: String, $layer: String!, $concepts: [String!]!, $function: SimilarityFunction) {
    rescore(model: $model, version: $version, layer: $layer, concepts: $concepts, function: $function) {
      encodedConcepts
      baseRun {
        id
        method
      }
      units {
        unit
        label
        score
        previousLabel
      }
    }
  }
`);

export const SaveRescoreMutation = graphql(`
  mutation SaveRescore($model: String!, $version: String, $layer: String!, $concepts: [String!]!, $function: SimilarityFunction, $conceptSetName: String) {
    saveRescore(model: $model, version: $version, layer: $layer, concepts: $concepts, function: $function, conceptSetName: $conceptSetName) {
      run {
        id
        method
      }
    }
  }
`);

export const CompareQuery = graphql(`
  query Compare($a: ModelRef!, $b: ModelRef!, $layer: String!) {
    compareModels(a: $a, b: $b, layer: $layer) {
      matchedBy
      agreement
      meanLabelSimilarity
      probeSet {
        name
      }
      a {
        name
        version
      }
      b {
        name
        version
      }
      matches {
        unit
        label
        matchUnit
        matchLabel
        correlation
        labelSimilarity
        sameLabel
      }
    }
  }
`);

export const ImportMutation = graphql(`
  mutation ImportAtlas($format: ImportFormat!, $csv: String!, $model: String!, $version: String!, $layer: String) {
    importAtlas(format: $format, csv: $csv, model: $model, version: $version, layer: $layer) {
      run {
        id
        method
      }
      labels
      embeddedLabels
      layers {
        name
        units
        labelled
        created
      }
    }
  }
`);
