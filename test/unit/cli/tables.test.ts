process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOneXml, poolEntries, type XmlObject } from '../../../src/cli/lib/one-xml.ts';
import { renderTable } from '../../../src/cli/lib/table.ts';
import { historyTable } from '../../../src/cli/tables/history-table.ts';
import { hostTable } from '../../../src/cli/tables/host-table.ts';
import { enabledText, userTable } from '../../../src/cli/tables/user-table.ts';
import { vmTable } from '../../../src/cli/tables/vm-table.ts';
import { vnetTable } from '../../../src/cli/tables/vnet-table.ts';
import { HOST_POOL_XML, T0, USER_POOL_XML, VM_POOL_XML, VNET_POOL_XML } from './fixtures.ts';

const pool = (xml: string, root: string, entry: string) => poolEntries(parseOneXml(xml), root, entry);
const now = T0 + 7200;

describe('onevm list table (§10.2)', () => {
  const vms = pool(VM_POOL_XML, 'VM_POOL', 'VM');

  it('prints the 1.4 columns, widths and short states', () => {
    assert.equal(
      renderTable(vmTable(now), vms),
      [
        '  ID USER     NAME     STAT CPU     MEM HOSTNAME               TIME',
        '   0 oneadmin ttylinux runn  12   65536 host02          00 02:00:00',
        '   1 helen    web-serv pend   0       0                 00 01:00:00',
        '  12 helen    db       fail   0       0 host01          01 01:01:01',
      ].join('\n'),
    );
  });

  it('measures TIME up to ETIME once the VM has ended, and up to now before', () => {
    const time = vmTable(now).columns.find((c) => c.key === 'time')!;
    assert.equal(time.value(vms[0]), '00 02:00:00');
    assert.equal(time.value(vms[2]), '01 01:01:01');
    assert.equal(vmTable(now + 86_400).columns.find((c) => c.key === 'time')!.value(vms[2]), '01 01:01:01');
  });

  it('widens ID instead of cutting large ids', () => {
    const big = parseOneXml(VM_POOL_XML.replace('<ID>12</ID>', '<ID>1234567</ID>'));
    const lines = renderTable(vmTable(now), poolEntries(big, 'VM_POOL', 'VM')).split('\n');
    assert.match(lines[3], /^1234567 helen/);
    assert.match(lines[0], /^     ID USER/);
  });
});

describe('onevm history table (§10.2)', () => {
  it('shows the latest record per VM with dates, -- for an unset end, and the short reason', () => {
    const rows = pool(VM_POOL_XML, 'VM_POOL', 'VM')
      .filter((vm) => vm.HISTORY)
      .map((vm) => ({ vmId: String(vm.ID), history: vm.HISTORY as XmlObject }));
    assert.equal(
      renderTable(historyTable(now), rows),
      [
        '  ID SEQ HOSTNAME                 STIME          ETIME        TIME REASON',
        '   0   1 host02          11/14 22:13:30             -- 00 01:59:50 none',
        '  12   0 host01          11/14 22:13:25 11/14 22:14:25 00 00:01:00 erro',
      ].join('\n'),
    );
  });
});

describe('onehost list table (§10.3)', () => {
  it('derives FCPU (minus really used) and ACPU (minus reserved: CPU_USAGE) and cuts long names at 25', () => {
    assert.equal(
      renderTable(hostTable, pool(HOST_POOL_XML, 'HOST_POOL', 'HOST')),
      [
        '  ID NAME                      RVM   TCPU   FCPU   ACPU    TMEM    FMEM STAT',
        '   0 host01                      2    400    365    380 8066288 7000000 on',
        '   1 a-very-long-host-name.exa   0      0      0      0       0       0 off',
        '   2 host03                      0    200    200    200 2048000 1024000 err',
      ].join('\n'),
    );
  });
});

describe('onevnet list table (§10.4)', () => {
  it('names the type and counts used leases; SIZE is available but not shown by default', () => {
    const vnets = pool(VNET_POOL_XML, 'VNET_POOL', 'VNET');
    assert.equal(
      renderTable(vnetTable, vnets),
      [
        '  ID USER     NAME            TYPE   BRIDGE #LEASES',
        '   0 oneadmin private         Ranged br0          3',
        '   1 helen    public          Fixed  eth0br       0',
      ].join('\n'),
    );
    assert.equal(renderTable(vnetTable, vnets, { list: ['id', 'size'] }), '  ID   SIZE\n   0\n   1');
  });
});

describe('oneuser list table (§10.5)', () => {
  it('shows the stored hash and normalises the 1.4 True/Fase spelling', () => {
    assert.equal(
      renderTable(userTable, pool(USER_POOL_XML, 'USER_POOL', 'USER')),
      [
        '  ID USER            PASSWORD                                           ENABLE',
        '   0 oneadmin        5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8           True',
        '   2 helen           7c4a8d09ca3762af61e59520943dc26494f8941b           False',
      ].join('\n'),
    );
  });

  it('reads every ENABLED spelling oned uses', () => {
    assert.deepEqual(['1', '0', 'True', 'Fase', 'false', 'odd'].map(enabledText), ['True', 'False', 'True', 'False', 'False', 'odd']);
  });
});
