/** One scenario's pools in CSR form over groups (clusters or regions). */
export interface Pool {
  offsets: Int32Array;
  shows: Int32Array;
  scores: Float64Array;
}

/** The three pooled scenarios' pools, indexed like SCENARIOS (re-engagement has none). */
export interface ScenarioPools {
  cluster: Pool;
  trending: Pool;
  avod: Pool;
}
