/**
 * The offline NetworkPolicy evaluator: predicts, from the manifests alone,
 * which client pods reach which server pods on which ports (issue 12).
 *
 * The cluster runner measures the same matrix and compares it cell by cell;
 * the example page draws it; `validate --explain` prints it. Semantics follow
 * upstream NetworkPolicy v1 (k8s.io/api networking/v1 types.go); see
 * evaluate.ts for the rules and the address-class treatment of ipBlock.
 */
export type { Protocol, Verdict, AddressPlan, ReachabilityDecl, PredictedCell, PredictedMatrix, NetpolProblem, PredictInput, PredictOutcome, SourceDocument } from './types.ts';
export { predictReachability } from './predict.ts';
export { renderMatrixText, cellKey } from './render.ts';
export { exampleInput, pinnedPlan, sourceDocuments, type ExampleShape } from './sources.ts';
export { PREDICT_RULE } from './model.ts';
export { mutationFlips, predictExample, reachabilityProblems, type MutationFlip } from './example.ts';
