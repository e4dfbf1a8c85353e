process.env.TZ = 'UTC';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseOneXml, rootOf } from '../../../src/cli/lib/one-xml.ts';
import { formatTemplate } from '../../../src/cli/lib/template-format.ts';
import { formatHostShow } from '../../../src/cli/views/host-view.ts';
import { formatVmShow } from '../../../src/cli/views/vm-view.ts';
import { formatVnetShow } from '../../../src/cli/views/vnet-view.ts';
import { hostXml, VM_XML, VNET_XML } from './fixtures.ts';

describe('onevm show', () => {
  const text = formatVmShow(rootOf(parseOneXml(VM_XML), 'VM'));

  it('prints the header fields with full state names and mm/dd times', () => {
    assert.equal(
      text.split('\n').slice(0, 8).join('\n'),
      [
        'VIRTUAL MACHINE 0 INFORMATION',
        'ID             : 0',
        'NAME           : ttylinux',
        'STATE          : ACTIVE',
        'LCM_STATE      : RUNNING',
        'START TIME     : 11/14 22:13:20',
        'END TIME       : -',
        'DEPLOY ID      : one-0',
      ].join('\n'),
    );
  });

  it('prints the template as NAME=VALUE and repeated vectors one by one', () => {
    assert.ok(text.includes('\nVIRTUAL MACHINE TEMPLATE\nCPU=0.1\nDISK=[\n  READONLY=no,\n  SOURCE=/srv/images/ttylinux.img,\n  TARGET=hda ]\nDISK=[\n  SOURCE=/srv/images/swap.img,\n  TARGET=hdb ]\nMEMORY=64\n'));
    assert.ok(text.endsWith('NETWORK=private,\n  VNID=0 ]\nVMID=0'));
  });

  it('shows - for an empty deploy id', () => {
    const pending = VM_XML.replace('<DEPLOY_ID>one-0</DEPLOY_ID>', '<DEPLOY_ID></DEPLOY_ID>');
    assert.match(formatVmShow(rootOf(parseOneXml(pending), 'VM')), /^DEPLOY ID {6}: -$/m);
  });

  it('shows the scheduler message of a pending VM under DEPLOY ID, and no such line without one', () => {
    assert.doesNotMatch(text, /SCHED MESSAGE/);
    const waiting = VM_XML.replace('<TEMPLATE>', '<TEMPLATE><SCHED_MESSAGE>0/2 hosts: 2 lacked MEMORY &amp; &lt;CPU&gt;</SCHED_MESSAGE>');
    const shown = formatVmShow(rootOf(parseOneXml(waiting), 'VM'));
    assert.match(shown, /^DEPLOY ID {6}: one-0\nSCHED MESSAGE  : 0\/2 hosts: 2 lacked MEMORY & <CPU>$/m);
  });
});

describe('onehost show', () => {
  it('prints the host, its shares (real and allocated) and the monitoring template', () => {
    const text = formatHostShow(rootOf(parseOneXml(hostXml(0, 2)), 'HOST'));
    assert.equal(
      text,
      [
        'HOST 0 INFORMATION',
        'ID                    : 0',
        'NAME                  : host01',
        'STATE                 : MONITORED',
        'IM_MAD                : im_kvm',
        'VM_MAD                : vmm_kvm',
        'TM_MAD                : tm_nfs',
        '',
        'HOST SHARES',
        'MAX MEM               : 8066288',
        'USED MEM (REAL)       : 1066288',
        'USED MEM (ALLOCATED)  : 131072',
        'MAX CPU               : 400',
        'USED CPU (REAL)       : 35',
        'USED CPU (ALLOCATED)  : 20',
        'RUNNING VMS           : 2',
        '',
        'MONITORING INFORMATION',
        'ARCH=x86_64',
        'CPUSPEED=2400',
        'FREECPU=365',
        'HOSTNAME=host01',
        'HYPERVISOR=kvm',
        'MODELNAME=Intel(R) Xeon(R) CPU',
        'TOTALCPU=400',
      ].join('\n'),
    );
  });
});

describe('onevnet show', () => {
  it('prints id, owner, template and leases', () => {
    assert.equal(
      formatVnetShow(rootOf(parseOneXml(VNET_XML), 'VNET')),
      [
        'VIRTUAL NETWORK 1 INFORMATION',
        'ID             : 1',
        'UID            : 2',
        '',
        'VIRTUAL NETWORK TEMPLATE',
        'BRIDGE=eth0br',
        'LEASES=[ IP=130.10.0.1, MAC=50:20:20:20:20:20 ]',
        'LEASES=[ IP=130.10.0.2 ]',
        'NAME=public',
        'TYPE=FIXED',
        '',
        'LEASES INFORMATION',
        'LEASE=[ IP=130.10.0.1, MAC=50:20:20:20:20:20, USED=1, VID=4 ]',
        'LEASE=[ IP=130.10.0.2, MAC=00:03:82:0a:00:02, USED=0, VID=-1 ]',
      ].join('\n'),
    );
  });

  it('omits the leases section when there are none', () => {
    const empty = VNET_XML.replace(/<LEASES><LEASE>.*<\/LEASES><\/VNET>$/, '<LEASES></LEASES></VNET>');
    assert.ok(!formatVnetShow(rootOf(parseOneXml(empty), 'VNET')).includes('LEASES INFORMATION'));
  });
});

describe('template printing', () => {
  it('handles values oned writes unescaped and CDATA from later versions', () => {
    const doc = parseOneXml('<T><TEMPLATE><A><![CDATA[x < y]]></A><B>a &amp; b</B><C></C></TEMPLATE></T>');
    assert.equal(formatTemplate(rootOf(doc, 'T').TEMPLATE), 'A=x < y\nB=a & b\nC=');
  });
});
