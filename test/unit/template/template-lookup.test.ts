import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTemplate } from '../../../src/template/parse-template.ts';
import { single, vector, type Template } from '../../../src/template/template.ts';
import { appendAttribute, removeAttributes, replaceAttributeAt, setSingle, setVectorValue } from '../../../src/template/template-edit.ts';
import { getFirstVector, getFloat, getInt, getSingle, getVectors, hasAttribute, vectorValue } from '../../../src/template/template-lookup.ts';

function t(text: string): Template {
  const r = parseTemplate(text);
  if (!r.ok) assert.fail(r.error.message);
  return r.value;
}

const vm = t('NAME = vm1\nMEMORY = 512\nCPU = 0.5\nODD = 12abc\nEMPTY =\nDISK = [ SOURCE = a, TARGET = hda ]\nDISK = [ SOURCE = b, TARGET = hdb ]');

describe('template lookups', () => {
  it('finds single values case-insensitively', () => {
    assert.equal(getSingle(vm, 'name'), 'vm1');
    assert.equal(getSingle(vm, 'Memory'), '512');
    assert.equal(getSingle(vm, 'missing'), undefined);
    assert.equal(getSingle(vm, 'disk'), undefined, 'a vector is not a single value');
    assert.ok(hasAttribute(vm, 'disk'));
  });

  it('reads integers and floats as 1.4 did: missing, empty or non-numeric → 0', () => {
    assert.equal(getInt(vm, 'memory'), 512);
    assert.equal(getInt(vm, 'cpu'), 0);
    assert.equal(getFloat(vm, 'cpu'), 0.5);
    assert.equal(getInt(vm, 'odd'), 12);
    assert.equal(getInt(vm, 'empty'), 0);
    assert.equal(getInt(vm, 'missing'), 0);
    assert.equal(getFloat(vm, 'missing'), 0);
    assert.equal(getInt(t('N = -7'), 'N'), -7);
  });

  it('returns vectors by name, in order', () => {
    assert.deepEqual(
      getVectors(vm, 'disk').map((d) => vectorValue(d, 'source')),
      ['a', 'b'],
    );
    assert.equal(vectorValue(getFirstVector(vm, 'DISK')!, 'target'), 'hda');
    assert.equal(vectorValue(getFirstVector(vm, 'DISK')!, 'nothing'), undefined);
    assert.deepEqual(getVectors(vm, 'nic'), []);
  });
});

describe('template edits', () => {
  it('setSingle replaces the first occurrence in place and drops later ones', () => {
    const base = t('A = 1\nB = 2\nA = 3');
    assert.deepEqual(setSingle(base, 'a', 'x').attributes, [single('A', 'x'), single('B', '2')]);
    assert.deepEqual(setSingle(base, 'vmid', '7').attributes.at(-1), single('VMID', '7'));
    assert.deepEqual(base, t('A = 1\nB = 2\nA = 3'), 'the argument is left untouched');
  });

  it('appends, removes and replaces attributes', () => {
    const withNic = appendAttribute(vm, vector('nic', [['network', 'Public']]));
    assert.equal(getVectors(withNic, 'NIC').length, 1);
    assert.equal(removeAttributes(withNic, 'disk').attributes.some((a) => a.name === 'DISK'), false);
    const index = withNic.attributes.findIndex((a) => a.name === 'NIC');
    const leased = setVectorValue(getFirstVector(withNic, 'NIC')!, 'ip', '10.0.0.2');
    const after = replaceAttributeAt(withNic, index, leased);
    assert.deepEqual(getFirstVector(after, 'NIC')!.pairs, [['NETWORK', 'Public'], ['IP', '10.0.0.2']]);
    assert.deepEqual(setVectorValue(leased, 'NETWORK', 'Private').pairs[0], ['NETWORK', 'Private']);
  });

  it('builds vectors as the parser would: upper-case, first value of a repeat kept', () => {
    assert.deepEqual(vector('v', [['a', '1'], ['A', '2'], ['b', '3']]), { name: 'V', pairs: [['A', '1'], ['B', '3']] });
  });
});
