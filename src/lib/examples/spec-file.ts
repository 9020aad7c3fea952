/**
 * The name of an example's spec file, and the reserved `from: host`. A module
 * of its own, free of the spec's schema (zod), so that finding examples (the
 * validator's input walk) and the validator's rules do not load what only
 * reading them needs.
 */
export const SPEC_FILE = 'example.yaml';

/**
 * `from: host`: the probe runs on the machine the runner runs on, outside the
 * cluster (through the kind network's bridge), as a client of a
 * LoadBalancer. The name is reserved: no check can exec into a pod "host".
 */
export const FROM_HOST = 'host';
