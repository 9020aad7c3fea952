/**
 * Upstream manifests nobody here wrote: every example of the pinned Gateway
 * API release (examples/standard and examples/experimental of the Go module
 * sigs.k8s.io/gateway-api, read from the module cache) passes without an
 * error. Objects valid only with the experimental channel's CRDs get a
 * `gateway-experimental-channel` warning, and nothing under
 * `--gateway-channel experimental`. Loose upstream files only warn about
 * objects they refer to and do not contain.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, type Problem } from '../../src/lib/problems.ts';
import { extractResources, ManifestSource } from '../../src/lib/yaml/manifest-source.ts';
import { collectUnits } from '../../src/lib/validator/inputs.ts';
import { goModuleDir, loadSchemaBundle } from '../../src/lib/validator/schema-cache.ts';
import { type GatewayChannel, ManifestValidator } from '../../src/lib/validator/validate.ts';
import { GATEWAY_API_MODULE, GATEWAY_API_VERSION } from '../../src/lib/validator/versions.ts';

const examplesDir = (channel: GatewayChannel) => path.join(goModuleDir(GATEWAY_API_MODULE, GATEWAY_API_VERSION, () => {}), 'examples', channel);

function run(dir: string, gatewayChannel: GatewayChannel): { files: number; resources: number; problems: Problem[] } {
  const validator = new ManifestValidator(loadSchemaBundle(), { gatewayChannel });
  const out = { files: 0, resources: 0, problems: [] as Problem[] };
  for (const unit of collectUnits([dir], () => '')) {
    const r = validator.validateUnit(unit);
    out.files += r.files;
    out.resources += r.resources;
    out.problems.push(...r.problems);
  }
  return out;
}

const errorsOf = (problems: Problem[]) => problems.filter((p) => p.severity === 'error').map(formatProblem).join('\n');
const channelWarnings = (problems: Problem[]) => problems.filter((p) => p.rule === 'gateway-experimental-channel');

describe(`Gateway API ${GATEWAY_API_VERSION} examples`, () => {
  it('standard channel: no error and no channel warning', () => {
    const r = run(examplesDir('standard'), 'standard');
    expect(r.files).toBeGreaterThan(40);
    expect(r.resources).toBeGreaterThan(60);
    expect(errorsOf(r.problems)).toBe('');
    expect(channelWarnings(r.problems).map(formatProblem)).toEqual([]);
  });

  it('experimental channel on a standard cluster: no error, a channel warning on each experimental-only kind and field', () => {
    const dir = examplesDir('experimental');
    const r = run(dir, 'standard');
    expect(r.files).toBeGreaterThan(8);
    expect(errorsOf(r.problems)).toBe('');
    // Every object whose kind and version only the experimental CRDs define is warned about, at its apiVersion.
    const bundle = loadSchemaBundle();
    const expectedAt = new Set<string>();
    for (const unit of collectUnits([dir], () => '')) {
      for (const f of unit.files) {
        const source = new ManifestSource(f.file, typeof f.text === 'string' ? f.text : f.text());
        for (const res of extractResources(source).resources) {
          if (bundle.kinds[`${res.apiVersion}:${res.kind}`]?.channel === 'experimental') expectedAt.add(`${f.file}:${source.locate(res.doc, ['apiVersion']).line}`);
        }
      }
    }
    expect(expectedAt.size).toBeGreaterThanOrEqual(4);
    const warned = channelWarnings(r.problems);
    for (const at of expectedAt) expect(warned.some((p) => `${p.file}:${p.line}` === at), `no channel warning at ${at}`).toBe(true);
    // Gateways that use the experimental spec.tls are warned about that field.
    expect(warned.filter((p) => p.message.startsWith('Gateway spec.tls ')).length).toBeGreaterThanOrEqual(2);
  });

  it('experimental channel with --gateway-channel experimental: no error and no channel warning', () => {
    const r = run(examplesDir('experimental'), 'experimental');
    expect(errorsOf(r.problems)).toBe('');
    expect(channelWarnings(r.problems).map(formatProblem)).toEqual([]);
  });
});
