/** oneacct against a real oned: the table, --json and --csv agree, alice's VM is counted on its host, and only oneadmin may read. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Oned, runCli, sha1hex, waitFor } from '../helpers/oned-harness.ts';

describe('oneacct', () => {
  it('reports per user and VM the running hours per host, CPU-hours and MB-hours, as a table, JSON and CSV', async () => {
    const one = await Oned.start();
    try {
      await one.ok('one.host.allocate', 'n0', 'im_dummy', 'vmm_dummy', 'tm_dummy');
      await one.ok('one.user.allocate', 'alice', sha1hex('pw'));
      const alice = { ONE_AUTH: join(one.location, 'alice_auth') };
      writeFileSync(alice.ONE_AUTH, 'alice:pw\n');
      const template = join(one.location, 'vm.one');
      writeFileSync(template, 'NAME = "web,1 \\"x\\""\nCPU = 0.5\nMEMORY = 64\n');
      const created = await runCli(one, 'onevm', ['create', '-v', template], { env: alice });
      const vid = Number(created.stdout.match(/\d+/)?.[0] ?? assert.fail(created.stdout + created.stderr));
      await one.ok('one.vm.deploy', vid, 0);
      await waitFor('running', async () => /<LCM_STATE>3<\/LCM_STATE>/.test(String(await one.ok('one.vm.info', vid))));
      await new Promise((r) => setTimeout(r, 2100));
      await one.ok('one.vm.action', 'shutdown', vid);
      await waitFor('done', async () => /<STATE>6<\/STATE>/.test(String(await one.ok('one.vm.info', vid))));

      const json = await runCli(one, 'oneacct', ['--json']);
      assert.equal(json.code, 0, json.stderr);
      const report = JSON.parse(json.stdout) as { users: { uid: number; name: string; hours: number; cpuHours: number; memoryMbHours: number; hostHours: Record<string, number>; vms: { vid: number; records: { hostname: string; start: number; end: number }[] }[] }[] };
      const [user] = report.users;
      assert.equal(report.users.length, 1);
      assert.deepEqual([user!.uid, user!.name, user!.vms.map((v) => v.vid)], [1, 'alice', [vid]]);
      const [rec] = user!.vms[0]!.records;
      assert.ok(rec!.end - rec!.start >= 2, `ran ${rec!.end - rec!.start} s`);
      assert.equal(user!.hours, (rec!.end - rec!.start) / 3600);
      assert.equal(user!.cpuHours, user!.hours * 0.5);
      assert.equal(user!.memoryMbHours, user!.hours * 64);
      assert.deepEqual(Object.keys(user!.hostHours), ['n0']);

      const table = await runCli(one, 'oneacct', []);
      assert.match(table.stdout, /^# User 1 alice$/m);
      assert.match(table.stdout, /^\s*VID\s+SEQ\s+HOSTNAME\s+REAS\s+START_TIME\s+END_TIME\s+MEMORY\s+CPU\s+HOURS\s+CPU_HOURS\s+MB_HOURS$/m);
      assert.match(table.stdout, new RegExp(`^\\s+${vid}\\s+0\\s+n0\\s+none\\s.*\\s64M\\s+0\\.5\\s`, 'm'));
      assert.match(table.stdout, /User 1 total: running 0\.00 h \(n0 0\.00 h\)/);

      const csv = await runCli(one, 'oneacct', ['--csv']);
      assert.equal(csv.stdout.trim().split('\n')[1], `1,${vid},"web,1 ""x""",0,0,n0,0,${rec!.start},${rec!.end},0.5,64,${user!.hours},${user!.cpuHours},${user!.memoryMbHours}`);

      const later = await runCli(one, 'oneacct', ['--from', `@${rec!.end + 10}`, '--to', `@${rec!.end + 20}`]);
      assert.match(later.stdout, /No VM ran in this period/);
      const bad = await runCli(one, 'oneacct', ['--from', '$(reboot)']);
      assert.equal(bad.code, 3);
      assert.match(bad.stderr, /^Error: .*ISO 8601/m);
      const refused = await runCli(one, 'oneacct', [], { env: alice });
      assert.notEqual(refused.code, 0);
      assert.match(refused.stderr, /oneadmin/);
    } finally {
      await one.stop();
      one.remove();
    }
  });
});
