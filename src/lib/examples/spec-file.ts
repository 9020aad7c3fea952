/**
 * The name of an example's spec file. A module of its own, free of the
 * spec's schema (zod), so that finding examples (the validator's input walk)
 * does not load what only reading them needs.
 */
export const SPEC_FILE = 'example.yaml';
