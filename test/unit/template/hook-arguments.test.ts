import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hookArgumentWords } from '../../../src/template/hook-arguments.ts';
import { single, template, vector } from '../../../src/template/template.ts';

const vm = (name: string, ip = '10.0.0.1') => template([single('NAME', name), single('VMID', '7'), vector('NIC', [['NETWORK', 'lan'], ['IP', ip]])]);

// fast-check prints the seed and path of a failure; rerun with fc.assert(…, { seed, path }).
describe('hook argument words: split first, then substitute', () => {
  it('keeps a VM name with a blank and a path in one word (issue reproduction)', () => {
    assert.deepEqual(hookArgumentWords('/scratch/x_$NAME', vm('a /scratch/INJECTED')), ['/scratch/x_a /scratch/INJECTED']);
  });

  it('never lets quotes in a value merge or split words', () => {
    assert.deepEqual(hookArgumentWords(`/scratch/x_$NAME /scratch/y`, vm(`x' '/scratch/Q`)), [`/scratch/x_x' '/scratch/Q`, '/scratch/y']);
    assert.deepEqual(hookArgumentWords(`"$NAME" b`, vm(`" "`)), [`" "`, 'b']);
  });

  it('substitutes in plain, single- and double-quoted text, but not after a backslash', () => {
    assert.deepEqual(hookArgumentWords(`-c 'echo $VMID $NAME' "$NIC[IP]"x \\$NAME "\\$VMID"`, vm('web')), ['-c', 'echo 7 web', '10.0.0.1x', '$NAME', '$VMID']);
  });

  it('keeps an empty word where a variable expands to nothing', () => {
    assert.deepEqual(hookArgumentWords('a $NOPE b', vm('web')), ['a', '', 'b']);
  });

  it('reports an unterminated quote', () => {
    assert.deepEqual(hookArgumentWords(`'$NAME`, vm('web')), { error: 'unterminated single quote' });
  });

  it('gives as many words as the configured text, whatever the values hold', () => {
    const hostile = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.array(fc.constantFrom(' ', '\t', '\n', "'", '"', '\\', '$(id)', '`id`', ';', '$NAME', '*', 'a', '/'), { maxLength: 12 }).map((a) => a.join('')),
    );
    const configured = fc.array(fc.constantFrom('$NAME', 'x_$NAME', `'$NAME y'`, `"$NIC[IP]"`, 'plain', '$VMID'), { minLength: 1, maxLength: 5 });
    fc.assert(fc.property(configured, hostile, hostile, (words, name, ip) => {
      const out = hookArgumentWords(words.join(' '), vm(name, ip));
      assert.ok(Array.isArray(out));
      assert.equal(out.length, words.length);
      words.forEach((w, i) => {
        if (w === '$NAME') assert.equal(out[i], name);
        if (w === `"$NIC[IP]"`) assert.equal(out[i], ip);
      });
    }), { numRuns: 500 });
  });
});
