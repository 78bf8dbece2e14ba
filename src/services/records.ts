/** The atlas's rows, as the services hand them to resolvers and commands (the store itself stays inside the services). */
export type {
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
