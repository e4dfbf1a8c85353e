import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { evaluateRequirements, matchRequirements, parseRequirements } from '../../../src/template/expressions/requirements.ts';

const host: Record<string, string> = {
  HYPERVISOR: 'kvm',
  HOSTNAME: 'node07.example.org',
  FREEMEMORY: '2097152',
  FREECPU: '350',
  CPUSPEED: '1.9',
  ARCH: 'x86_64',
  EMPTY: '',
};
const lookup = (name: string) => host[name];

function matches(text: string): boolean {
  const r = matchRequirements(text, lookup);
  if (!r.ok) assert.fail(`unexpected syntax error for ${text}: ${r.error.message}`);
  return r.value;
}

describe('REQUIREMENTS (spec §6.5)', () => {
  it('evaluates the spec examples', () => {
    assert.equal(matches('HYPERVISOR = kvm & FREEMEMORY > 1048576'), true);
    assert.equal(matches('HYPERVISOR = xen & FREEMEMORY > 1048576'), false);
    assert.equal(matches('HOSTNAME = "node*"'), true);
    assert.equal(matches('HOSTNAME = "web*"'), false);
  });

  it('treats empty or blank text as "every host"', () => {
    assert.equal(matches(''), true);
    assert.equal(matches('  \n '), true);
  });

  it('looks names up upper-cased but keeps the pattern case', () => {
    assert.equal(matches('hypervisor = kvm'), true);
    assert.equal(matches('HYPERVISOR = KVM'), false);
  });

  it('supports != for numbers and strings', () => {
    assert.equal(matches('FREECPU != 350'), false);
    assert.equal(matches('FREECPU ! = 100'), true);
    assert.equal(matches('HYPERVISOR != "xen"'), true);
    assert.equal(matches('HOSTNAME != "node*"'), false);
  });

  it('matches strings with shell globs', () => {
    assert.equal(matches('HOSTNAME = "node0?.example.org"'), true);
    assert.equal(matches('HOSTNAME = "node0[5-8]*"'), true);
    assert.equal(matches('HOSTNAME = "node0[!5-8]*"'), false);
    assert.equal(matches('ARCH = "x86_*"'), true);
  });

  it('compares integers against the attribute read as an integer and floats as a float', () => {
    // CPUSPEED = 1.9: read as int it is 1, read as float it is 1.9.
    assert.equal(matches('CPUSPEED > 1'), false);
    assert.equal(matches('CPUSPEED = 1'), true);
    assert.equal(matches('CPUSPEED > 1.0'), true);
    assert.equal(matches('CPUSPEED = 1.9'), true);
    assert.equal(matches('FREECPU < 400.5'), true);
    assert.equal(matches('FREECPU > -1'), true);
  });

  it('handles missing attributes as 1.4: int → 0, float → false, string → false both ways', () => {
    assert.equal(matches('MISSING = 0'), true);
    assert.equal(matches('MISSING < 1'), true);
    assert.equal(matches('MISSING = 0.0'), false);
    assert.equal(matches('MISSING != 0.0'), false);
    assert.equal(matches('MISSING = "*"'), false);
    assert.equal(matches('MISSING != "x"'), false);
    assert.equal(matches('EMPTY = "*"'), false);
  });

  it('treats an empty pattern as matching nothing instead of crashing', () => {
    assert.equal(matches('HYPERVISOR = ""'), false);
    assert.equal(matches('HYPERVISOR != ""'), true);
  });

  it('compares numbers with >= and <=, also written with a blank inside like ! =', () => {
    assert.equal(matches('FREECPU >= 350'), true);
    assert.equal(matches('FREECPU >= 351'), false);
    assert.equal(matches('FREECPU <= 350'), true);
    assert.equal(matches('FREECPU <= 349'), false);
    assert.equal(matches('FREECPU > = 350 & FREECPU < = 350'), true);
    assert.equal(matches('CPUSPEED >= 1.9 & CPUSPEED <= 1.9'), true);
    assert.equal(matches('CPUSPEED >= 2'), false);
    assert.equal(matches('FREECPU >= -1'), true);
    // Missing attributes as for the other operators: int reads 0, float is false.
    assert.equal(matches('MISSING >= 0 & MISSING <= 0'), true);
    assert.equal(matches('MISSING >= 0.0'), false);
    assert.equal(matches('MISSING <= 1.5'), false);
  });

  it('binds ! tightest, then &, then | (not 1.4\'s single left-associative level)', () => {
    // a | b & c is a | (b & c): true | (false & false) → true (1.4 gave false).
    assert.equal(matches('HYPERVISOR = kvm | ARCH = sparc & FREECPU > 1000'), true);
    assert.equal(matches('(HYPERVISOR = kvm | ARCH = sparc) & FREECPU > 1000'), false);
    // a & b | c is (a & b) | c either way.
    assert.equal(matches('ARCH = sparc & FREECPU > 1000 | HYPERVISOR = kvm'), true);
    // !a & b is (!a) & b, and ! reaches through parentheses only.
    assert.equal(matches('! HYPERVISOR = xen & ARCH = x86_64'), true);
    assert.equal(matches('! HYPERVISOR = kvm & ARCH = x86_64'), false);
    assert.equal(matches('! HYPERVISOR = kvm | ARCH = x86_64'), true);
    assert.equal(matches('!(HYPERVISOR = kvm | ARCH = sparc)'), false);
    assert.equal(matches('!(HYPERVISOR = xen | ARCH = sparc)'), true);
    assert.equal(matches('!(HYPERVISOR = kvm & ARCH = sparc)'), true);
    assert.equal(matches('!!HYPERVISOR = kvm'), true);
    // Nested parentheses.
    assert.equal(matches('((HYPERVISOR = xen | (ARCH = x86_64 & (FREECPU >= 350))) & !(CPUSPEED < 1.5))'), true);
    assert.equal(matches('(HYPERVISOR = xen | ARCH = x86_64) & (FREECPU > 350 | (CPUSPEED < 1.5 & !EMPTY = "*"))'), false);
  });

  it('returns syntax errors as data, with a column', () => {
    const bads = ['FREECPU => 3', 'FREECPU > "x"', '= 3', '(HYPERVISOR = kvm', 'A = 1 B = 2', 'A = 1 &', 'A | | B = 1', 'A ^ 2', 'A = "open', 'A = 1 @', 'A >= ', 'A <> 1', 'A >== 1'];
    for (const bad of bads) {
      const r = parseRequirements(bad);
      assert.equal(r.ok, false, bad);
      if (!r.ok) assert.match(r.error.message, /at line 1, column \d+$/);
    }
    const r = parseRequirements('FREECPU => 3');
    assert.ok(!r.ok && r.error.column === 10, 'points at the = after FREECPU >');
  });

  it('refuses >, <, >= and <= on strings with a message that says why', () => {
    for (const op of ['>', '<', '>=', '<=', '> =']) {
      const r = parseRequirements(`HOSTNAME ${op} "node*"`);
      assert.ok(!r.ok, op);
      assert.match(r.error.message, /needs a number \(strings take only '=' and '!='\), found string "node\*" at line 1, column \d+$/);
    }
    const r = parseRequirements('FREECPU > 1 &\n  HYPERVISOR <= kvm');
    assert.ok(!r.ok);
    assert.equal(r.error.message, "'<=' needs a number (strings take only '=' and '!='), found name kvm at line 2, column 17");
    assert.deepEqual([r.error.line, r.error.column], [2, 17]);
  });

  it('survives deep nesting and long chains without overflowing the stack', () => {
    assert.equal(parseRequirements('('.repeat(100000) + 'A = 1' + ')'.repeat(100000)).ok, false);
    assert.equal(parseRequirements('!'.repeat(100000) + 'A = 1').ok, false);
    assert.equal(matches('((((HYPERVISOR = kvm))))'), true);
    assert.equal(matches(Array.from({ length: 50000 }, () => 'FREECPU > 1').join(' & ')), true);
  });

  it('never throws or hangs on arbitrary input', () => {
    const piece = fc.constantFrom('A', 'free_cpu', ' ', '=', '!', '&', '|', '>', '<', '(', ')', '"', '"x*"', '""', '1', '-', '2.5', '^', '*', '\n', 'é');
    const anyText = fc.oneof(fc.array(piece, { maxLength: 40 }).map((p) => p.join('')), fc.string({ unit: 'binary', maxLength: 80 }));
    fc.assert(
      fc.property(anyText, (text) => {
        const r = parseRequirements(text);
        if (r.ok) assert.equal(typeof evaluateRequirements(r.value, lookup), 'boolean');
        else assert.ok(r.error.line >= 1 && r.error.column >= 1);
      }),
      { numRuns: 2000 },
    );
  });
});
