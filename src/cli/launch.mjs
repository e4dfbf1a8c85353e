// Plain JavaScript on purpose: this runs before any TypeScript loader.
//
// The bin/ scripts call launch(). It runs a bundle of src/cli (built with
// esbuild) so that a CLI call costs one small file instead of tsx compiling
// every module: start-up must be cheap enough for shell loops. The bundle
// is cached under node_modules/.cache/one-ts/cli, or ~/.cache/one-ts/cli
// when the install is not writable, and rebuilt when any source it was
// built from changed (mtime or size). V8's code cache for the bundle is
// kept next to it, keyed by the bundle's fingerprint because V8 itself only
// checks the source length. If esbuild is unusable, tsx runs the sources.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';
import { buildBundle, fingerprint, isFresh, root, writeAtomically } from '../launch/bundle-cache.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const entry = join(here, 'entry.ts');
const cacheDirs = process.env.ONE_TS_CLI_CACHE
  ? [process.env.ONE_TS_CLI_CACHE]
  : [join(root, 'node_modules/.cache/one-ts/cli'), join(homedir(), '.cache/one-ts/cli')];

const bundleIn = (dir) => join(dir, 'cli.cjs');
const manifestIn = (dir) => join(dir, 'inputs.json');
const isFreshIn = (dir) => isFresh(bundleIn(dir), manifestIn(dir));

async function build(dir) {
  await buildBundle(entry, bundleIn(dir), manifestIn(dir), { format: 'cjs' });
  for (const old of readdirSync(dir)) {
    if (old.endsWith('.v8cache')) rmSync(join(dir, old), { force: true });
  }
}

/** Runs the CommonJS bundle through vm.Script so that V8's code cache applies. */
function run(dir) {
  const bundlePath = bundleIn(dir);
  const codeCachePath = join(dir, `cli.${fingerprint(bundlePath).replace(/[^0-9]/g, '_')}.v8cache`);
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
  script.runInThisContext()(module.exports, createRequire(bundlePath), module, bundlePath, dir);
  if (!cachedData || script.cachedDataRejected) {
    // Written at exit so that the cache also holds the functions this run compiled.
    process.once('exit', () => {
      try {
        writeAtomically(codeCachePath, script.createCachedData());
      } catch {
        // An unwritable cache only costs speed.
      }
    });
  }
  return module.exports;
}

async function loadCli() {
  if (process.env.ONE_TS_CLI_NO_BUNDLE !== '1') {
    const fresh = cacheDirs.find(isFreshIn);
    if (fresh) return run(fresh);
    for (const dir of cacheDirs) {
      try {
        await build(dir);
        return run(dir);
      } catch (err) {
        if (process.env.ONE_TS_CLI_DEBUG) process.stderr.write(`no CLI bundle in ${dir}: ${err}\n`);
      }
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
