/**
 * Upstream manifests nobody here wrote: every example of the pinned Gateway
 * API release's standard channel (examples/standard of the Go module
 * sigs.k8s.io/gateway-api, read from the module cache) passes without an
 * error. Loose upstream files only warn about objects they refer to and do
 * not contain.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '../../src/lib/problems.ts';
import { collectUnits } from '../../src/lib/validator/inputs.ts';
import { goModuleDir, loadSchemaBundle } from '../../src/lib/validator/schema-cache.ts';
import { ManifestValidator } from '../../src/lib/validator/validate.ts';
import { GATEWAY_API_MODULE, GATEWAY_API_VERSION } from '../../src/lib/validator/versions.ts';

describe(`Gateway API ${GATEWAY_API_VERSION} examples (standard channel)`, () => {
  it('get no error', () => {
    const dir = path.join(goModuleDir(GATEWAY_API_MODULE, GATEWAY_API_VERSION, () => {}), 'examples', 'standard');
    const validator = new ManifestValidator(loadSchemaBundle());
    let files = 0;
    let resources = 0;
    const errors = [];
    for (const unit of collectUnits([dir], () => '')) {
      const r = validator.validateUnit(unit);
      files += r.files;
      resources += r.resources;
      errors.push(...r.problems.filter((p) => p.severity === 'error'));
    }
    expect(files).toBeGreaterThan(40);
    expect(resources).toBeGreaterThan(60);
    expect(errors.map(formatProblem).join('\n')).toBe('');
  });
});
