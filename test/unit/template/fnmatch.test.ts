import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileGlob, fnmatch } from '../../../src/template/expressions/fnmatch.ts';

describe('fnmatch', () => {
  it('matches *, ? and literal text', () => {
    assert.ok(fnmatch('node*', 'node12'));
    assert.ok(fnmatch('*', ''));
    assert.ok(fnmatch('*', '/a/.b'));
    assert.ok(fnmatch('n?de', 'node'));
    assert.ok(!fnmatch('n?de', 'nde'));
    assert.ok(fnmatch('a*b*c', 'aXXbYYc'));
    assert.ok(!fnmatch('a*b*c', 'aXXbYY'));
    assert.ok(!fnmatch('', 'x'));
    assert.ok(fnmatch('', ''));
    assert.ok(fnmatch('é?', 'é😀'));
  });

  it('matches bracket sets, ranges, negation and classes', () => {
    assert.ok(fnmatch('node[0-9]', 'node7'));
    assert.ok(!fnmatch('node[0-9]', 'nodeX'));
    assert.ok(fnmatch('node[!0-9]', 'nodeX'));
    assert.ok(fnmatch('node[^0-9]', 'nodeX'));
    assert.ok(fnmatch('[]]', ']'));
    assert.ok(fnmatch('[a-]', '-'));
    assert.ok(fnmatch('[[:digit:]][[:alpha:]]', '1a'));
    assert.ok(!fnmatch('[[:digit:]]', 'a'));
  });

  it('treats an unclosed [ as a literal and \\ as an escape', () => {
    assert.ok(fnmatch('a[b', 'a[b'));
    assert.ok(fnmatch('a\\*', 'a*'));
    assert.ok(!fnmatch('a\\*', 'ab'));
    assert.ok(fnmatch('a\\', 'a\\'));
  });

  it('agrees with an equivalent regular expression for * and ? patterns', () => {
    const toRegExp = (p: string) => new RegExp(`^${p.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '*', '?'), maxLength: 8 }), fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 10 }), (p, s) => {
        assert.equal(fnmatch(p, s), toRegExp(p).test(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('compileGlob matches as fnmatch does, its === / startsWith / endsWith shortcuts included', () => {
    assert.ok(compileGlob('kvm*')('kvm-qemu'));
    assert.ok(!compileGlob('kvm*')('xkvm'));
    assert.ok(compileGlob('*.org')('node.example.org'));
    assert.ok(compileGlob('k\\*m')('k*m'));
    // A lone surrogate must not match half of a pair, as fnmatch compares whole characters.
    assert.ok(!compileGlob('\uD83D*')('😀'));
    assert.ok(!compileGlob('*\uDE00')('😀'));
    const unit = fc.constantFrom('a', 'b', '*', '?', '[', ']', '!', '-', '\\', 'é', '😀', '\uD83D', '\uDE00');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 6 }), fc.string({ unit, maxLength: 8 }), (p, s) => {
        assert.equal(compileGlob(p)(s), fnmatch(p, s));
      }),
      { numRuns: 3000 },
    );
  });

  it('stays fast on patterns that make naive matchers exponential', () => {
    const started = process.hrtime.bigint();
    assert.ok(!fnmatch('*a'.repeat(30) + 'b', 'a'.repeat(2000)));
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 1000);
  });
});
