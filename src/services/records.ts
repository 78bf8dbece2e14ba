/** The atlas (its repositories serve the API's plain reads) and its rows, as the services hand them to resolvers and commands. */
export type {
  AtlasStore,
  ClipModelRow,
  ConceptSetRow,
  ImageHit,
  LabelRow,
  LayerInfo,
  ModelRow,
  NeuronHit,
  NeuronSearchFilter,
  ProbeSetRow,
  RunRow,
  TopImageRow,
  UnitLabel,
} from '../db/index.js';
