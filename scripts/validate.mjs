/**
 * `npm run validate`: runs the offline validator (scripts/validate.ts) as
 * prebuilt JavaScript, so a run costs Node's start-up and not a TypeScript
 * compile of every module.
 *
 * The bundle lives in .cache/validate-cli/build/ (gitignored) and is rebuilt
 * with esbuild (installed with vite) whenever one of its inputs changed: the
 * stamp file lists every input with its size and mtime, checked here with
 * one stat each. A fresh clone builds it on the first run (about a second).
 * It is an ES module split in two: the example loader (and zod, which it
 * needs) is a chunk of its own, loaded only when an example is validated;
 * measured here, that starts faster than one CommonJS file.
 */
import { enableCompileCache } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Not `import ... from 'node:fs'`: see builtinsWithoutNamespace below.
const { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } = process.getBuiltinModule('node:fs');

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = path.join(ROOT, '.cache', 'validate-cli');
/** The bundle and its stamp; V8's compile cache lives next to it, in OUT_DIR/v8. */
const BUILD_DIR = path.join(OUT_DIR, 'build');
const BUNDLE = path.join(BUILD_DIR, 'validate.mjs');
const STAMP = path.join(BUILD_DIR, 'inputs.json');
const ENTRY = path.join(ROOT, 'scripts', 'validate.ts');

/** size:mtime of a file, or undefined when it is gone. */
function signature(file) {
  try {
    const st = statSync(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/** True when the bundle exists and no input changed since it was built. */
function isFresh() {
  if (!existsSync(BUNDLE)) return false;
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  } catch {
    return false;
  }
  for (const [rel, sig] of Object.entries(stamp.inputs ?? {})) if (signature(path.join(ROOT, rel)) !== sig) return false;
  return true;
}

/**
 * Each module keeps its own location: `import.meta.url` is replaced by the
 * source file's URL, so paths computed from it (the repository root, the pin
 * file, the `yaml` package required on first use) are the same bundled or not.
 */
const keepImportMetaUrl = {
  name: 'keep-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href));
      return { contents: text, loader: 'ts' };
    });
  },
};

/**
 * Node built-ins come from process.getBuiltinModule() as CommonJS values
 * instead of ES module namespaces: an `import { readFileSync } from 'node:fs'`
 * makes Node build fs's whole namespace, which evaluates its lazy `promises`
 * getter and loads fs/promises, readline and the stream modules (about 5 ms
 * of a 10-resource run, measured here).
 */
const builtinsWithoutNamespace = {
  name: 'builtins-without-namespace',
  setup(build) {
    build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'builtin' }));
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = process.getBuiltinModule(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

async function build() {
  const esbuild = await import('esbuild');
  // The compile cache of an older bundle is never read again.
  rmSync(path.join(OUT_DIR, 'v8'), { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  // Built into a fresh folder, then renamed into place: a parallel run never imports a half-written bundle.
  const tmp = `${BUILD_DIR}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const result = await esbuild.build({
    entryPoints: { validate: ENTRY },
    outdir: tmp,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    metafile: true,
    logLevel: 'error',
    plugins: [keepImportMetaUrl, builtinsWithoutNamespace],
    // CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  const inputs = {};
  for (const rel of Object.keys(result.metafile.inputs)) {
    const abs = path.resolve(process.cwd(), rel);
    // Installed packages change only with package-lock.json (below): one stat instead of ~170 at every start.
    if (abs.includes(`${path.sep}node_modules${path.sep}`) || rel.startsWith('builtin:')) continue;
    inputs[path.relative(ROOT, abs)] = signature(abs);
  }
  // The launcher itself and the dependency lock decide the bundle too.
  for (const rel of ['scripts/validate.mjs', 'package-lock.json']) inputs[rel] = signature(path.join(ROOT, rel));
  writeFileSync(path.join(tmp, 'inputs.json'), JSON.stringify({ inputs }));
  const old = `${BUILD_DIR}.old-${process.pid}`;
  try {
    if (existsSync(BUILD_DIR)) renameSync(BUILD_DIR, old);
    renameSync(tmp, BUILD_DIR);
  } catch {
    // Another run put its build in place at the same moment: use that one (built from the same sources).
    rmSync(tmp, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
}

// V8 keeps the compiled bundle between runs (Node >= 22.1): start-up is then mostly Node's own.
enableCompileCache?.(path.join(OUT_DIR, 'v8'));
if (!isFresh()) await build();
// Eager compilation while the bundle runs: V8 then compiles every function of
// the bundle with the module, so the compile cache holds them all; lazily,
// each one a validation calls would be compiled at its first call, on every
// run (6 ms of a 10-resource run's 70 ms CPU, measured here). Modules the
// bundle imports later (the example loader) are compiled eagerly too.
const { setFlagsFromString } = process.getBuiltinModule('node:v8');
setFlagsFromString('--no-lazy');
try {
  await import(pathToFileURL(BUNDLE).href);
} finally {
  setFlagsFromString('--lazy');
}
