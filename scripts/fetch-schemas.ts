/**
 * npm run schemas [-- --force]
 *
 * Generates the validator's compact schema into .cache/validator/ from the
 * pinned sources (K8S_VERSION and GATEWAY_API_VERSION of the pin file
 * scripts/cluster/versions.env, via src/lib/validator/versions.ts): the OpenAPI v3 documents
 * and generated enum definitions of k8s.io/kubernetes, and the standard
 * channel CRDs of sigs.k8s.io/gateway-api, both Go modules fetched with
 * `go mod download` when the module cache lacks them. The validator does the
 * same on first use; this runs it explicitly (e.g. in CI before the tests).
 */
import { ensureSchemaFile, loadSchemaBundle, SchemaSourceError } from '../src/lib/validator/schema-cache.ts';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--force');
if (unknown.length) {
  console.error(`fetch-schemas: unknown option ${unknown[0]}\nusage: npm run schemas [-- --force]`);
  process.exit(2);
}
try {
  const file = ensureSchemaFile({ force: args.includes('--force') });
  const bundle = loadSchemaBundle();
  console.log(`${file}: Kubernetes ${bundle.kubernetes} and Gateway API ${bundle.gatewayApi}, ${Object.keys(bundle.kinds).length} kinds`);
} catch (e) {
  if (e instanceof SchemaSourceError) {
    console.error(`fetch-schemas: ${e.message}`);
    process.exit(2);
  }
  throw e;
}
