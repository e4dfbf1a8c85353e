import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkProbeOutput } from '../../../../src/drivers/im_ssh/probe-output.ts';
import { parseProbeList } from '../../../../src/drivers/im_ssh/probe-list.ts';

describe('parseProbeList', () => {
  it('reads name=script lines, resolving relative scripts in the probe dir', () => {
    const { probes, errors } = parseProbeList('# c\ncpu=cpu.sh\n\n kvm = /opt/kvm.sh \n', '/lib/im_probes');
    assert.deepEqual(errors, []);
    assert.deepEqual(probes, [{ name: 'cpu', path: '/lib/im_probes/cpu.sh' }, { name: 'kvm', path: '/opt/kvm.sh' }]);
  });
  it('reports bad lines with their number', () => {
    const { errors } = parseProbeList('cpu=cpu.sh\njunk\n=x.sh\n', '/p');
    assert.equal(errors.length, 2);
    assert.match(errors[0], /line 2/);
  });
});

describe('checkProbeOutput', () => {
  it('trims, drops blanks, splits on commas and keeps NAME=value pieces', () => {
    assert.deepEqual(checkProbeOutput('  ARCH=x86_64 \n\nMODELNAME="AMD EPYC"\nA=1,B=2\n'), {
      attributes: ['ARCH=x86_64', 'MODELNAME="AMD EPYC"', 'A=1', 'B=2'], bad: [],
    });
  });
  it('sets garbage apart', () => {
    assert.deepEqual(checkProbeOutput('hello world\nX=1\n=3\n'), { attributes: ['X=1'], bad: ['hello world', '=3'] });
  });
});
