// Plain JavaScript on purpose: this runs before any TypeScript loader.
//
// Bundles of TypeScript entry points built with esbuild, kept with a
// manifest of the sources they were built from (mtime and size of each), so
// that a bundle is rebuilt exactly when one of its sources changed. Used by
// the CLI launcher (src/cli/launch.mjs) and by the daemons and drivers
// (src/launch/run-compiled.mjs).
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout: src/launch/ is two levels below it. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function fingerprint(path) {
  const s = statSync(path);
  return `${s.mtimeMs}:${s.size}`;
}

/** True when the bundle is the one the manifest describes and no source changed since. */
export function isFresh(bundlePath, manifestPath) {
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    if (manifest.root !== root || manifest.bundle !== fingerprint(bundlePath)) return false;
    for (const [path, print] of Object.entries(manifest.inputs)) {
      if (fingerprint(join(root, path)) !== print) return false;
    }
    return true;
  } catch {
    return false;
  }
}

/** Writes through a unique temporary name, so concurrent starts never see half a file. */
export function writeAtomically(path, data) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/**
 * Bundles `entry` (a path under the checkout) into `bundlePath` with the
 * esbuild `options` given (format, externals …) and writes its manifest.
 * Packages in node_modules are not fingerprinted: `npm ci` replaces them whole.
 */
export async function buildBundle(entry, bundlePath, manifestPath, options) {
  const esbuild = await import('esbuild');
  mkdirSync(dirname(bundlePath), { recursive: true });
  const result = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    write: false,
    outfile: bundlePath,
    metafile: true,
    logLevel: 'silent',
    legalComments: 'none',
    ...options,
  });
  const inputs = {};
  for (const path of Object.keys(result.metafile.inputs)) {
    if (!path.includes('node_modules/')) inputs[path] = fingerprint(join(root, path));
  }
  writeAtomically(bundlePath, result.outputFiles[0].contents);
  writeAtomically(manifestPath, JSON.stringify({ root, bundle: fingerprint(bundlePath), inputs }));
}
