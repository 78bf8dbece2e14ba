/** Parents of the query features' object types (codegen mappers). */
export interface ProbeImageParent {
  probeSetId: number;
  ordinal: number;
  uri: string;
}
