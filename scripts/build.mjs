// Builds the compiled bundles of oned, mm_sched, `one`, oneaudit, oneacct and every
// driver into dist/ when a source changed (src/launch/run-compiled.mjs would
// otherwise build each one at its first start). Run by scripts/run.sh and
// scripts/test.sh.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../src/launch/bundle-cache.mjs';
import { compiled } from '../src/launch/run-compiled.mjs';

const drivers = readdirSync(join(root, 'src/drivers'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'src/drivers', d.name, 'main.ts')))
  .map((d) => `drivers/${d.name}/main.ts`);
const entries = ['main/oned.ts', 'main/mm-sched.ts', 'main/one-control.ts', 'audit/oneaudit.ts', 'audit/oneacct.ts', ...drivers];
const failed = [];
for (const entry of entries) if (!(await compiled(entry))) failed.push(entry);
if (failed.length > 0) {
  process.stderr.write(`build: could not compile ${failed.join(', ')} (set ONE_TS_DEBUG=1 to see why); they will run through tsx\n`);
}
