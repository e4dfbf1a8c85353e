// Plain JavaScript on purpose: this runs before any TypeScript loader.
//
// The bin/ scripts call launch(). It runs a bundle of src/cli (built with
// esbuild, cached under node_modules/.cache/one-ts/cli) so that a CLI call
// costs one small file instead of tsx compiling every module: start-up must
// be cheap enough for shell loops. The bundle is rebuilt when any source it
// was built from changed (mtime or size); if esbuild is unusable, the
// sources run through tsx instead. V8's code cache for the bundle is kept
// next to it (keyed by the bundle's fingerprint, because V8 only checks the
// source length), which saves most of the compile time of later runs.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const entry = join(here, 'entry.ts');
const cacheDir = process.env.ONE_TS_CLI_CACHE || join(root, 'node_modules/.cache/one-ts/cli');
const bundlePath = join(cacheDir, 'cli.cjs');
const manifestPath = join(cacheDir, 'inputs.json');

function fingerprint(path) {
  const s = statSync(path);
  return `${s.mtimeMs}:${s.size}`;
}

function bundleIsFresh() {
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.bundle !== fingerprint(bundlePath)) return false;
    for (const [path, print] of Object.entries(manifest.inputs)) {
      if (fingerprint(join(root, path)) !== print) return false;
    }
    return true;
  } catch {
    return false;
  }
}

async function buildBundle() {
  const esbuild = await import('esbuild');
  mkdirSync(cacheDir, { recursive: true });
  // Unique temporary names, then rename: concurrent CLI calls never see half a file.
  const tmp = `${bundlePath}.${process.pid}.tmp`;
  const result = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: tmp,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
  });
  const inputs = {};
  for (const path of Object.keys(result.metafile.inputs)) {
    if (!path.includes('node_modules/')) inputs[path] = fingerprint(join(root, path));
  }
  renameSync(tmp, bundlePath);
  for (const old of readdirSync(cacheDir)) {
    if (old.endsWith('.v8cache')) rmSync(join(cacheDir, old), { force: true });
  }
  const manifestTmp = `${manifestPath}.${process.pid}.tmp`;
  writeFileSync(manifestTmp, JSON.stringify({ bundle: fingerprint(bundlePath), inputs }));
  renameSync(manifestTmp, manifestPath);
}

/** Runs the CommonJS bundle through vm.Script so that V8's code cache applies. */
function runBundle() {
  const codeCachePath = join(cacheDir, `cli.${fingerprint(bundlePath).replace(/[^0-9]/g, '_')}.v8cache`);
  let cachedData;
  try {
    cachedData = readFileSync(codeCachePath);
  } catch {
    cachedData = undefined;
  }
  const source = readFileSync(bundlePath, 'utf8');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundlePath,
    cachedData,
  });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundlePath), module, bundlePath, cacheDir);
  if (!cachedData || script.cachedDataRejected) {
    // Written at exit so that the cache also holds the functions this run compiled.
    process.once('exit', () => {
      try {
        const tmp = `${codeCachePath}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, codeCachePath);
      } catch {
        // A read-only cache directory only costs speed.
      }
    });
  }
  return module.exports;
}

async function loadCli() {
  if (process.env.ONE_TS_CLI_NO_BUNDLE !== '1') {
    try {
      if (!bundleIsFresh()) await buildBundle();
      return runBundle();
    } catch (err) {
      if (process.env.ONE_TS_CLI_DEBUG) process.stderr.write(`bundle unusable, using tsx: ${err}\n`);
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(entry).href);
}

/** Runs CLI tool `name` (onevm, onehost, onevnet, oneuser). */
export async function launch(name) {
  const cli = await loadCli();
  await cli.runCli(name);
}
