// Plain JavaScript on purpose: this runs before any TypeScript loader.
//
//   node src/launch/run-compiled.mjs <entry under src/, e.g. main/oned.ts> [args…]
//
// oned, mm_sched and the drivers run as compiled JavaScript: a bundle per
// entry point in dist/ (esbuild; node_modules stay outside the bundle),
// rebuilt when one of its sources changed. Loading one file instead of
// having tsx compile a hundred modules at every start saves start-up time
// and about 60 MB of RSS per process. If esbuild cannot build, tsx runs the
// sources instead, so a broken build never stops the front-end.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildBundle, isFresh, root } from './bundle-cache.mjs';

const distDirs = process.env.ONE_TS_DIST ? [process.env.ONE_TS_DIST] : [join(root, 'dist'), join(homedir(), '.cache/one-ts/dist')];

const bundleFor = (dir, entry) => join(dir, entry.replace(/\.ts$/, '.mjs'));
const manifestFor = (dir, entry) => join(dir, entry.replace(/\.ts$/, '.inputs.json'));

/** The path of a fresh bundle of `entry` (building it if needed), or undefined when none can be built. */
export async function compiled(entry) {
  const fresh = distDirs.find((dir) => isFresh(bundleFor(dir, entry), manifestFor(dir, entry)));
  if (fresh) return bundleFor(fresh, entry);
  for (const dir of distDirs) {
    try {
      await buildBundle(join('src', entry), bundleFor(dir, entry), manifestFor(dir, entry), { format: 'esm', packages: 'external' });
      return bundleFor(dir, entry);
    } catch (err) {
      if (process.env.ONE_TS_DEBUG) process.stderr.write(`no bundle of ${entry} in ${dir}: ${err}\n`);
    }
  }
  return undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [entry] = process.argv.splice(2, 1);
  if (!entry || !/^[a-z_/-]+\.ts$/i.test(entry)) {
    process.stderr.write('Usage: run-compiled.mjs <entry under src/> [args…]\n');
    process.exit(2);
  }
  const bundle = process.env.ONE_TS_NO_BUNDLE === '1' ? undefined : await compiled(entry);
  if (bundle) {
    // The program sees itself as the bundle (oned re-runs process.argv[1] to detach).
    process.argv[1] = bundle;
    await import(pathToFileURL(bundle).href);
  } else {
    const source = join(root, 'src', entry);
    const { register } = await import('tsx/esm/api');
    register();
    process.argv[1] = source;
    await import(pathToFileURL(source).href);
  }
}
