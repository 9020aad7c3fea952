/**
 * Schema loading: finds the pinned sources in the Go module cache (downloading
 * them with `go mod download` when missing), builds the compact bundle once,
 * and keeps it in `.cache/validator/<key>.json` (gitignored, in the form
 * serializeBundle writes), keyed by the pinned versions. Written atomically (temp file + rename), so parallel test
 * workers never read a half-written file.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { yamlPackage } from '../yaml/positions.ts';
import { parseGoEnums } from './go-enums.ts';
import { buildSchemaBundle, type BuildStats } from './schema-build.ts';
import type { SchemaBundle } from './schema-model.ts';
import { GATEWAY_API_MODULE, GATEWAY_API_VERSION, KUBERNETES_MODULE, KUBERNETES_VERSION, SCHEMA_FORMAT, schemaCacheName } from './versions.ts';

/** Repository root, from this file's location (src/lib/validator/). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Where the compact schema lives: `$VALIDATOR_CACHE_DIR` or `<repo>/.cache/validator`. */
export function schemaCacheDir(): string {
  return process.env.VALIDATOR_CACHE_DIR ? path.resolve(process.env.VALIDATOR_CACHE_DIR) : path.join(REPO_ROOT, '.cache', 'validator');
}

export function schemaCachePath(): string {
  return path.join(schemaCacheDir(), schemaCacheName());
}

export class SchemaSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaSourceError';
  }
}

/** Go's module path escaping: an upper-case letter becomes `!` + lower case. */
function escapeModulePath(p: string): string {
  return p.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

function go(args: string[]): string {
  // Loaded here, not imported: only fetching the sources runs Go, and child_process (with net, dgram, ...) costs every short run start-up time.
  const { execFileSync } = process.getBuiltinModule('node:child_process');
  const { tmpdir } = process.getBuiltinModule('node:os');
  try {
    return execFileSync('go', args, {
      cwd: tmpdir(),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, GO111MODULE: 'on', GOFLAGS: '-mod=mod' },
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') {
      throw new SchemaSourceError('the Go toolchain (`go`) is not on PATH; it downloads the pinned Kubernetes and Gateway API schemas (install Go, or run `npm run schemas` on a machine that has it and copy .cache/validator/)');
    }
    throw new SchemaSourceError(`go ${args.join(' ')} failed: ${(err.stderr ?? err.message).trim()}`);
  }
}

/** The extracted folder of module@version, downloading it into the module cache when missing. */
export function goModuleDir(module: string, version: string, log: (line: string) => void): string {
  let modCache = process.env.GOMODCACHE;
  if (!modCache) {
    try {
      modCache = go(['env', 'GOMODCACHE']).trim();
    } catch {
      modCache = '';
    }
  }
  if (modCache) {
    const dir = path.join(modCache, `${escapeModulePath(module)}@${version}`);
    if (existsSync(dir)) return dir;
  }
  log(`downloading Go module ${module}@${version} (go mod download)`);
  const out = go(['mod', 'download', '-json', `${module}@${version}`]);
  const info = JSON.parse(out) as { Dir?: string; Error?: string };
  if (info.Error || !info.Dir) throw new SchemaSourceError(`go mod download ${module}@${version}: ${info.Error ?? 'no Dir in output'}`);
  return info.Dir;
}

/** The CustomResourceDefinitions of the YAML files of one folder (a Gateway API channel). */
function readCrds(dir: string): Record<string, unknown>[] {
  const crds: Record<string, unknown>[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort()) {
    for (const d of yamlPackage().parseAllDocuments(readFileSync(path.join(dir, f), 'utf8'))) {
      const v = d.toJS() as Record<string, unknown> | null;
      if (v && v.kind === 'CustomResourceDefinition') crds.push(v);
    }
  }
  return crds;
}

/** Reads the pinned sources and builds the bundle (no caching). */
export function buildFromSources(log: (line: string) => void): { bundle: SchemaBundle; stats: BuildStats } {
  const k8s = goModuleDir(KUBERNETES_MODULE, KUBERNETES_VERSION, log);
  const specDir = path.join(k8s, 'api', 'openapi-spec', 'v3');
  const openapi = readdirSync(specDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(specDir, f), 'utf8')) as Record<string, unknown>);
  const enums = parseGoEnums(readFileSync(path.join(k8s, 'pkg', 'generated', 'openapi', 'zz_generated.openapi.go'), 'utf8'));
  const gw = goModuleDir(GATEWAY_API_MODULE, GATEWAY_API_VERSION, log);
  const crds = readCrds(path.join(gw, 'config', 'crd', 'standard'));
  const experimentalCrds = readCrds(path.join(gw, 'config', 'crd', 'experimental'));
  return buildSchemaBundle({ openapi, enums, crds, experimentalCrds });
}

/** Writes `text` to `file` atomically: a temp file in the same folder, then rename. */
export function writeFileAtomic(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

const stderrLog = (line: string) => process.stderr.write(`validator: ${line}\n`);

/**
 * Makes sure the compact schema exists; generates it (with a progress line on
 * stderr) when it does not, or when `force` is set. Returns its path.
 */
export function ensureSchemaFile(opts: { force?: boolean; log?: (line: string) => void } = {}): string {
  const file = schemaCachePath();
  if (!opts.force && existsSync(file)) return file;
  const log = opts.log ?? stderrLog;
  const started = Date.now();
  log(`generating schemas for Kubernetes ${KUBERNETES_VERSION} and Gateway API ${GATEWAY_API_VERSION} into ${path.relative(process.cwd(), file) || file} (once)`);
  const { bundle, stats } = buildFromSources(log);
  writeFileAtomic(file, serializeBundle(bundle));
  log(`schemas ready: ${stats.kinds} kinds, ${stats.definitions} definitions, ${stats.enums} enums, ${stats.crdVersions} Gateway API CRD versions (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return file;
}

/**
 * The stored form: one line of JSON with everything but the definitions'
 * text, where `defs` maps each name to [byte offset, byte length] in what
 * follows the line, the definitions' JSON texts back to back. A run parses
 * the line (a seventh of the file) and cuts out only the definitions its
 * resources need.
 */
export function serializeBundle(bundle: SchemaBundle): string {
  const index: Record<string, [number, number]> = {};
  const texts: string[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(bundle.defs)) {
    const length = Buffer.byteLength(text);
    index[name] = [offset, length];
    texts.push(text);
    offset += length;
  }
  return `${JSON.stringify({ ...bundle, defs: index })}\n${texts.join('')}`;
}

/** The bundle of a stored file; each definition's text is decoded from the file's bytes on first use. */
export function deserializeBundle(bytes: Buffer): SchemaBundle {
  const newline = bytes.indexOf(10);
  const head = JSON.parse(bytes.toString('utf8', 0, newline < 0 ? bytes.length : newline)) as Omit<SchemaBundle, 'defs'> & { defs?: Record<string, [number, number]> };
  const index = head.defs ?? {};
  const base = newline + 1;
  const decoded = new Map<string, string>();
  const text = (name: string): string | undefined => {
    const at = Object.hasOwn(index, name) ? index[name] : undefined;
    if (!at) return undefined;
    let t = decoded.get(name);
    if (t === undefined) decoded.set(name, (t = bytes.toString('utf8', base + at[0], base + at[0] + at[1])));
    return t;
  };
  // A read-only record over the index: Object.keys, entries and lookups work as on the built bundle.
  const defs = new Proxy({} as Record<string, string>, {
    get: (_, name) => (typeof name === 'string' ? text(name) : undefined),
    has: (_, name) => typeof name === 'string' && Object.hasOwn(index, name),
    ownKeys: () => Object.keys(index),
    getOwnPropertyDescriptor: (_, name) => (typeof name === 'string' && Object.hasOwn(index, name) ? { value: text(name), enumerable: true, configurable: true, writable: false } : undefined),
  });
  return { ...head, defs } as SchemaBundle;
}

let loaded: SchemaBundle | undefined;

/** The compact schema bundle, generated on first use and read once per process. */
export function loadSchemaBundle(opts: { log?: (line: string) => void } = {}): SchemaBundle {
  if (loaded) return loaded;
  const file = ensureSchemaFile(opts);
  let bundle: SchemaBundle;
  try {
    bundle = deserializeBundle(readFileSync(file));
  } catch (e) {
    throw new SchemaSourceError(`${file} cannot be read (${(e as Error).message}); delete it and run again`);
  }
  if (bundle.format !== SCHEMA_FORMAT || bundle.kubernetes !== KUBERNETES_VERSION || bundle.gatewayApi !== GATEWAY_API_VERSION) {
    throw new SchemaSourceError(`${file} was generated for other versions; delete it and run again`);
  }
  loaded = bundle;
  return bundle;
}
