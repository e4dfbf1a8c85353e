import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseTemplate } from '../../../src/template/parse-template.ts';
import { substituteVariables } from '../../../src/template/substitute-variables.ts';
import type { Template } from '../../../src/template/template.ts';

function t(text: string): Template {
  const r = parseTemplate(text);
  if (!r.ok) assert.fail(r.error.message);
  return r.value;
}

const vm = t(`
NAME = web1
VMID = 42
MEMORY = 512
NIC = [ NETWORK = "Public", IP = 84.21.0.9 ]
NIC = [ NETWORK = "Private LAN", IP = 10.0.0.5 ]
NIC = [ NETWORK = lan2, IP = 10.1.0.5 ]
`);
const other = t('CONTEXT = [ SECRET = s3cr3t, hostname = db ]');
const others = (vmid: number) => (vmid === 7 ? other : undefined);

describe('substituteVariables (spec §9.2)', () => {
  it('expands single attributes case-insensitively', () => {
    assert.equal(substituteVariables('host-$NAME', vm), 'host-web1');
    assert.equal(substituteVariables('$vmid:$Memory', vm), '42:512');
  });

  it('expands the spec example with a keyed vector lookup', () => {
    const r = t('CONTEXT = [ hostname = "$NAME", ip_private = "$NIC[IP, NETWORK=\\"Private LAN\\"]" ]');
    const context = r.attributes[0];
    assert.ok('pairs' in context);
    const values = context.pairs.map(([, v]) => substituteVariables(v, vm));
    assert.deepEqual(values, ['web1', '10.0.0.5']);
  });

  it('takes the first vector without a key, and a bare word as key value', () => {
    assert.equal(substituteVariables('$NIC[IP]', vm), '84.21.0.9');
    assert.equal(substituteVariables('$nic[ ip , network = lan2 ]', vm), '10.1.0.5');
    assert.equal(substituteVariables('$NIC[IP, NETWORK="nowhere"]', vm), '');
  });

  it('expands $<vmid>.KEY from the CONTEXT of another VM', () => {
    assert.equal(substituteVariables('pw=$7.secret;', vm, others), 'pw=s3cr3t;');
    assert.equal(substituteVariables('$8.secret', vm, others), '');
    assert.equal(substituteVariables('$7.secret', vm), '');
  });

  it('gives "" for unknown names and vectors read as singles', () => {
    assert.equal(substituteVariables('[$NOPE]', vm), '[]');
    assert.equal(substituteVariables('<$NIC>', vm), '<>');
  });

  it('ends a variable at the first character that cannot continue it, keeping it', () => {
    assert.equal(substituteVariables('$NAME.example.org', vm), 'web1.example.org');
    assert.equal(substituteVariables('$NAME$VMID/$MEMORY-', vm), 'web142/512-');
    assert.equal(substituteVariables('$NAME[', vm), 'web1[');
    assert.equal(substituteVariables('$NIC[IP', vm), '[IP');
  });

  it('keeps a $ that starts no variable', () => {
    assert.equal(substituteVariables('cost: 5 $ or $$', vm), 'cost: 5 $ or $$');
    assert.equal(substituteVariables('no variables at all', vm), 'no variables at all');
  });

  it('copies text without $ verbatim and never throws', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const out = substituteVariables(s, vm, others);
        if (!s.includes('$')) assert.equal(out, s);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom('$', 'NIC', '[', ']', 'IP', ',', '=', '"', '7', '.', 'x', ' '), { maxLength: 30 }), (p) => {
        assert.equal(typeof substituteVariables(p.join(''), vm, others), 'string');
      }),
      { numRuns: 1000 },
    );
  });
});
