import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO } from '../../helpers/oned-harness.ts';
// @ts-expect-error plain JavaScript module without type declarations
import { isFresh } from '../../../src/launch/bundle-cache.mjs';

describe('compiled processes (src/launch/run-compiled.mjs)', () => {
  const dist = mkdtempSync(join(tmpdir(), 'one-ts-dist-'));
  after(() => rmSync(dist, { recursive: true, force: true }));
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [join(REPO, 'src/launch/run-compiled.mjs'), ...args], {
      env: { ...process.env, ONE_TS_DIST: dist, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('builds a bundle of the entry, runs it with the arguments that follow, and records its sources', () => {
    const r = run(['main/one-control.ts', 'bogus']);
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /Usage: one \[start/);
    const bundle = join(dist, 'main/one-control.mjs');
    const manifest = JSON.parse(readFileSync(join(dist, 'main/one-control.inputs.json'), 'utf8')) as { inputs: Record<string, string> };
    assert.ok(readFileSync(bundle, 'utf8').length > 1000);
    assert.ok('src/main/one-control.ts' in manifest.inputs);
    assert.ok('src/config/layout.ts' in manifest.inputs, 'sources it imports are recorded too');
    assert.ok(!Object.keys(manifest.inputs).some((p) => p.includes('node_modules')), 'packages stay outside the bundle');
    assert.equal(isFresh(bundle, join(dist, 'main/one-control.inputs.json')), true);
  });

  it('counts a bundle stale when one of its sources changed, and rebuilds it', () => {
    const manifestPath = join(dist, 'main/one-control.inputs.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { inputs: Record<string, string> };
    manifest.inputs['src/config/layout.ts'] = '0:0';
    writeFileSync(manifestPath, JSON.stringify(manifest));
    assert.equal(isFresh(join(dist, 'main/one-control.mjs'), manifestPath), false);
    assert.equal(run(['main/one-control.ts', 'bogus']).status, 3);
    assert.equal(isFresh(join(dist, 'main/one-control.mjs'), manifestPath), true);
  });

  it('falls back to the TypeScript sources when told not to bundle, and refuses a bad entry', () => {
    const r = run(['main/one-control.ts', 'bogus'], { ONE_TS_NO_BUNDLE: '1' });
    assert.equal(r.status, 3, r.stderr);
    assert.match(r.stderr, /Usage: one \[start/);
    const bad = run(['../../etc/passwd']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /Usage: run-compiled\.mjs/);
  });
});
