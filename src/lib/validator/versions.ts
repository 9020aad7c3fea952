/**
 * The versions the offline validator works with.
 *
 * Kubernetes and Gateway API come from the project's pin file
 * (scripts/cluster/versions.env, through src/lib/pins.ts), so the validator
 * checks against exactly what the cluster runs. Only what concerns the
 * validator alone is set here. Any of these changing changes the schema cache
 * key (`.cache/validator/`), so the next run regenerates the compact schema.
 */
import { PINS } from '../pins.ts';

/** The Kubernetes release whose API the validator checks against (and the cluster runs). */
export const KUBERNETES_VERSION = PINS.K8S_VERSION;

/** Go module holding that release's OpenAPI v3 documents (`api/openapi-spec/v3/*.json`). */
export const KUBERNETES_MODULE = 'k8s.io/kubernetes';

/** Gateway API release whose CRDs (standard channel, and experimental on request) validate Gateway API kinds. */
export const GATEWAY_API_VERSION = PINS.GATEWAY_API_VERSION;

/** Go module holding the Gateway API CRDs (`config/crd/standard/*.yaml`, `config/crd/experimental/*.yaml`). */
export const GATEWAY_API_MODULE = 'sigs.k8s.io/gateway-api';

/** Version of the compact schema format; bump when schema-build.ts changes its output or schema-cache.ts its stored form. */
export const SCHEMA_FORMAT = 8;

/** File name of the generated compact schema, keyed by everything it depends on. */
export function schemaCacheName(): string {
  return `k8s-${KUBERNETES_VERSION}_gateway-api-${GATEWAY_API_VERSION}_f${SCHEMA_FORMAT}.json`;
}
