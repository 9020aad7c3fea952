/**
 * npm run validate -- [--format human|json|sarif] [--closed-world] [--gateway-channel standard|experimental] [paths...]
 *
 * The offline manifest validator (tier 1). Paths are files, folders or `-`
 * (standard input); the default is examples/. Exit status: 0 when there is
 * no error, 1 when there is, 2 on a usage error (bad flag, unreadable path)
 * or when the pinned schemas cannot be obtained.
 * See VALIDATOR.md for the rules.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../src/lib/usage-error.ts';
import { isExampleRef, walkInputs } from '../src/lib/validator/input-walk.ts';
import { counts, formatHuman, toJson, toSarif, type ValidationReport, writeStdout } from '../src/lib/validator/output.ts';
import { RULES } from '../src/lib/validator/rules.ts';
import { loadSchemaBundle, SchemaSourceError } from '../src/lib/validator/schema-cache.ts';
import { GATEWAY_CHANNELS, type GatewayChannel, ManifestValidator, type ValidationUnit } from '../src/lib/validator/validate.ts';
import { GATEWAY_API_VERSION, KUBERNETES_VERSION } from '../src/lib/validator/versions.ts';

const USAGE = `usage: npm run validate -- [--format human|json|sarif] [--closed-world] [--gateway-channel standard|experimental] [--list-rules] [paths...]

Validates Kubernetes manifests offline against Kubernetes ${KUBERNETES_VERSION} and
Gateway API ${GATEWAY_API_VERSION}: YAML, strict schema, removed APIs, names, cross-resource
rules and Pod Security. Paths are files, folders or - (stdin); default: examples/.
--closed-world: every unit is complete, as an example is, so a reference to an
object that is not in it is an error (by default only a warning outside examples).
--gateway-channel experimental: the cluster has Gateway API's experimental-channel
CRDs, so their kinds and fields are valid (by default: a warning).
--explain: print the predicted NetworkPolicy reachability matrix instead (--explain --help).
Exit status: 0 no error, 1 errors found, 2 usage error. Rules: VALIDATOR.md.`;

const FORMATS = ['human', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];

async function main(argv: string[]): Promise<number> {
  // --explain is another command (the predicted NetworkPolicy reachability matrix), loaded only when asked for.
  if (argv.includes('--explain')) return (await import('../src/lib/netpol/explain.ts')).explainMain(argv);
  let format: Format = 'human';
  let closedWorld = false;
  let gatewayChannel: GatewayChannel = 'standard';
  const paths: string[] = [];
  let onlyPaths = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (onlyPaths || a === '-' || !a.startsWith('-')) {
      paths.push(a);
      continue;
    }
    if (a === '--') onlyPaths = true;
    else if (a === '-h' || a === '--help') {
      writeStdout(`${USAGE}\n`);
      return 0;
    } else if (a === '--list-rules') {
      writeStdout(RULES.map((r) => `${r.id.padEnd(36)} ${r.severity.padEnd(8)} ${r.silenceable ? 'silenceable' : '           '}  ${r.summary}\n`).join(''));
      return 0;
    } else if (a === '--format' || a.startsWith('--format=')) {
      const v = a === '--format' ? argv[++i] : a.slice('--format='.length);
      if (!FORMATS.includes(v as Format)) return usage(format, `--format must be ${FORMATS.join(', ')}, not ${v === undefined ? '(nothing)' : JSON.stringify(v)}`);
      format = v as Format;
    } else if (a === '--gateway-channel' || a.startsWith('--gateway-channel=')) {
      const v = a === '--gateway-channel' ? argv[++i] : a.slice('--gateway-channel='.length);
      if (!GATEWAY_CHANNELS.includes(v as GatewayChannel)) return usage(format, `--gateway-channel must be ${GATEWAY_CHANNELS.join(' or ')}, not ${v === undefined ? '(nothing)' : JSON.stringify(v)}`);
      gatewayChannel = v as GatewayChannel;
    } else if (a === '--closed-world') closedWorld = true;
    else return usage(format, `unknown option ${a}`);
  }
  // process.hrtime, not performance.now(): the performance global loads perf_hooks, a cost on every short run.
  const started = process.hrtime.bigint();
  let units: ValidationUnit[];
  try {
    const walked = walkInputs(paths, () => readFileSync(0, 'utf8'));
    // The example loader (and the schema library it needs) is loaded only when an example is to be validated.
    const needsLoader = walked.some(isExampleRef);
    const { exampleDirUnit } = needsLoader ? await import('../src/lib/validator/inputs.ts') : { exampleDirUnit: undefined };
    units = walked.map((u) => (isExampleRef(u) ? exampleDirUnit!(u.exampleDir) : u));
  } catch (e) {
    if (e instanceof UsageError) return usage(format, e.message);
    throw e;
  }
  let validator: ManifestValidator;
  try {
    validator = new ManifestValidator(loadSchemaBundle(), { closedWorld, gatewayChannel });
  } catch (e) {
    if (e instanceof SchemaSourceError) {
      process.stderr.write(`validate: cannot load the pinned schemas: ${e.message}\n`);
      writeFailure(format, `cannot load the pinned schemas: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const report: ValidationReport = { files: 0, resources: 0, problems: [] };
  let internal = 0;
  for (const unit of units) {
    try {
      const r = validator.validateUnit(unit);
      report.files += r.files;
      report.resources += r.resources;
      report.problems.push(...r.problems);
    } catch (e) {
      if (e instanceof UsageError) return usage(format, e.message);
      // A defect of the validator, not of the input: say so, and go on with the other units.
      internal++;
      process.stderr.write(`validate: internal error while validating ${unit.name} (please report it): ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  if (format === 'json') writeStdout(`${JSON.stringify(toJson(report))}\n`);
  else if (format === 'sarif') writeStdout(`${JSON.stringify(toSarif(report))}\n`);
  else writeStdout(`${formatHuman(report, Number(process.hrtime.bigint() - started) / 1e9)}\n`);
  return counts(report.problems).errors || internal ? 1 : 0;
}

function usage(format: Format, message: string): number {
  process.stderr.write(`validate: ${message}\n${USAGE}\n`);
  writeFailure(format, message);
  return 2;
}

/** Under --format json or sarif, a run that cannot validate still prints one object, which says why. */
function writeFailure(format: Format, message: string): void {
  const empty: ValidationReport = { files: 0, resources: 0, problems: [] };
  if (format === 'json') writeStdout(`${JSON.stringify({ ...toJson(empty), error: message })}\n`);
  else if (format === 'sarif') writeStdout(`${JSON.stringify(toSarif(empty, message))}\n`);
}

process.exitCode = await main(process.argv.slice(2));
