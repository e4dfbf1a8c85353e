import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileRank, compileRequirements } from '../../../src/template/expressions/compile.ts';
import { evaluateRank, parseRank } from '../../../src/template/expressions/rank.ts';
import { evaluateRequirements, parseRequirements, type AttributeLookup } from '../../../src/template/expressions/requirements.ts';

/** A host as the scheduler sees it: a Map keyed by upper-case names. */
function hostLookup(attributes: Record<string, string>): AttributeLookup & { asked: string[] } {
  const map = new Map(Object.entries(attributes));
  const asked: string[] = [];
  return Object.assign((name: string) => (asked.push(name), map.get(name)), { asked });
}

const host = hostLookup({
  HYPERVISOR: 'kvm',
  HOSTNAME: 'node07.example.org',
  FREEMEMORY: '2097152',
  FREE_MEM: '2097152',
  FREECPU: '350',
  FREE_CPU: '350',
  RUNNING_VMS: '3',
  CPUSPEED: '1.9',
});

function requirements(text: string): (lookup: AttributeLookup) => boolean {
  const r = compileRequirements(text);
  if (!r.ok) assert.fail(`unexpected syntax error for ${text}: ${r.error.message}`);
  return r.value;
}

function rank(text: string): (lookup: AttributeLookup) => number {
  const r = compileRank(text);
  if (!r.ok) assert.fail(`unexpected syntax error for ${text}: ${r.error.message}`);
  return r.value;
}

describe('compiled REQUIREMENTS and RANK', () => {
  it('evaluates the spec examples and the three placement policies', () => {
    assert.equal(requirements('HYPERVISOR = kvm & FREEMEMORY > 1048576')(host), true);
    assert.equal(requirements('HOSTNAME = "node*"')(host), true);
    assert.equal(requirements('HOSTNAME = "web*"')(host), false);
    assert.equal(requirements('HYPERVISOR = "kvm*" & FREE_MEM >= 1048576 & RUNNING_VMS < 10')(host), true);
    assert.equal(requirements('')(host), true);
    assert.equal(rank('FREECPU')(host), 350);
    assert.equal(rank('RUNNING_VMS')(host), 3);
    assert.equal(rank('- RUNNING_VMS')(host), -3);
    assert.equal(rank('FREE_CPU - RUNNING_VMS * 10')(host), 320);
    assert.equal(rank('')(host), 0);
  });

  it('follows the precedence ! then & then |, with parentheses', () => {
    const a = 'HYPERVISOR = kvm';
    const no = 'HYPERVISOR = xen';
    assert.equal(requirements(`${a} | ${no} & ${no}`)(host), true);
    assert.equal(requirements(`(${a} | ${no}) & ${no}`)(host), false);
    assert.equal(requirements(`!${no} & ${a}`)(host), true);
    assert.equal(requirements(`!${a} & ${a}`)(host), false);
    assert.equal(requirements(`!(${a} | ${no})`)(host), false);
    assert.equal(requirements(`!(${no} | (${no} & (${a})))`)(host), true);
    assert.equal(requirements('FREECPU >= 350 & FREECPU <= 350 & CPUSPEED >= 1.9')(host), true);
  });

  it('asks the lookup for upper-case names only, and reads each attribute of a chain at most once', () => {
    const lookup = hostLookup({ HYPERVISOR: 'kvm', FREE_CPU: '10' });
    requirements('hypervisor = kvm & Free_Cpu >= 5 & missing < 1')(lookup);
    rank('free_cpu * 2 + Running_Vms')(lookup);
    assert.deepEqual(lookup.asked, ['HYPERVISOR', 'FREE_CPU', 'MISSING', 'FREE_CPU', 'RUNNING_VMS']);
  });

  it('keeps 1.4 semantics for missing attributes and patterns', () => {
    const empty = hostLookup({ EMPTY: '' });
    assert.equal(requirements('MISSING = 0 & MISSING >= 0')(empty), true);
    assert.equal(requirements('MISSING >= 0.0')(empty), false);
    assert.equal(requirements('MISSING = "*"')(empty), false);
    assert.equal(requirements('MISSING != "x"')(empty), false);
    assert.equal(requirements('EMPTY != "x"')(empty), false);
    assert.equal(requirements('HYPERVISOR = ""')(host), false);
    assert.equal(requirements('HYPERVISOR != ""')(host), true);
    assert.equal(requirements('HOSTNAME = "*.org"')(host), true);
    assert.equal(requirements('HOSTNAME = "node0[0-7]*"')(host), true);
    assert.equal(requirements('HYPERVISOR = "k\\vm"')(host), true);
  });

  it('folds constant RANK and never yields NaN, Infinity or -0', () => {
    assert.equal(rank('2 * (3 + 4) - 1')(host), 13);
    assert.equal(rank('FREECPU / 0')(host), 0);
    assert.equal(rank('0 / 0')(host), 0);
    assert.ok(Object.is(rank('-0.4')(host), 0));
    assert.ok(Object.is(rank('-1 * MISSING')(host), 0));
  });

  it('returns syntax errors as data with line and column', () => {
    const r = compileRequirements('FREECPU > 1 &\n HOSTNAME >= "a"');
    assert.ok(!r.ok);
    assert.deepEqual([r.error.line, r.error.column], [2, 14]);
    assert.match(r.error.message, /'>=' needs a number .* at line 2, column 14$/);
    const rk = compileRank('FREECPU +');
    assert.ok(!rk.ok);
    assert.equal(rk.error.message, "expected a number, a name, '-' or '(', found end of expression at line 1, column 10");
  });

  it('runs chains of 50,000 terms without overflowing the stack', () => {
    const terms = (piece: string, op: string) => Array.from({ length: 50_000 }, () => piece).join(op);
    assert.equal(requirements(terms('FREECPU > 1', ' & '))(host), true);
    assert.equal(requirements(terms('FREECPU < 1', ' | '))(host), false);
    assert.equal(requirements(terms('FREECPU < 1 & FREECPU > 1', ' | '))(host), false);
    assert.equal(rank(terms('RUNNING_VMS', ' + '))(host), 150_000);
    assert.equal(rank(terms('RUNNING_VMS', ' * '))(hostLookup({ RUNNING_VMS: '1' })), 1);
  });
});

// ---- Property tests -------------------------------------------------------

const NAMES = ['A', 'b', 'FREE_CPU', 'hypervisor', 'MISSING', 'EMPTY'];
const VALUES = ['', '0', '12', '-3', '1.5', ' 7abc', '2097152', '1e3', 'kvm', 'kvm-qemu', 'x86_64', 'é😀', '\uD83D', '[x]', '*'];

/** Random attribute maps over NAMES (upper-cased): known values, random text, or absent. */
const attributeMaps = fc.dictionary(
  fc.constantFrom(...NAMES.map((n) => n.toUpperCase())),
  fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 8 }), fc.integer({ min: -1000, max: 1000 }).map(String)),
);

const name = fc.constantFrom(...NAMES);
const number = fc.oneof(
  fc.nat(1000).map(String),
  fc.tuple(fc.nat(1000), fc.nat(99)).map(([i, f]) => `${i}.${f}`),
  fc.constantFrom('-1', '- 2.5', '0'),
);
const pattern = fc
  .array(fc.constantFrom('k', 'v', 'm', '*', '?', '[', ']', '!', '-', '\\', 'é', '😀', '\uD83D', '0', '1'), { maxLength: 6 })
  .map((chars) => `"${chars.join('')}"`);

/** Well-formed REQUIREMENTS text: any concatenation the grammar accepts. */
const { requirementsText } = fc.letrec<{ requirementsText: string; comparison: string }>((tie) => ({
  comparison: fc.oneof(
    fc.tuple(name, fc.constantFrom('=', '!=', '! =', '>', '<', '>=', '<=', '> ='), number).map((p) => p.join(' ')),
    fc.tuple(name, fc.constantFrom('=', '!='), fc.oneof(pattern, fc.constantFrom('kvm', 'X86_64'))).map((p) => p.join(' ')),
  ),
  requirementsText: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('comparison'),
    tie('requirementsText').map((e) => `!${e}`),
    tie('requirementsText').map((e) => `(${e})`),
    fc.tuple(tie('requirementsText'), fc.constantFrom(' & ', ' | ', '&', '|'), tie('requirementsText')).map((p) => p.join('')),
  ),
})) as { requirementsText: fc.Arbitrary<string> };

/** Well-formed RANK text. */
const { rankText } = fc.letrec<{ rankText: string }>((tie) => ({
  rankText: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    name,
    number,
    tie('rankText').map((e) => `- ${e}`),
    tie('rankText').map((e) => `(${e})`),
    fc.tuple(tie('rankText'), fc.constantFrom(' + ', ' - ', ' * ', ' / ', '-'), tie('rankText')).map((p) => p.join('')),
  ),
})) as { rankText: fc.Arbitrary<string> };

const lookupOf = (map: Record<string, string>): AttributeLookup => {
  const m = new Map(Object.entries(map));
  return (n) => m.get(n);
};

describe('compiled expressions, properties', () => {
  it('agrees with the REQUIREMENTS interpreter on random expressions and hosts', () => {
    fc.assert(
      fc.property(requirementsText, fc.array(attributeMaps, { minLength: 1, maxLength: 5 }), (text, maps) => {
        const parsed = parseRequirements(text);
        const compiled = compileRequirements(text);
        assert.ok(parsed.ok && compiled.ok, `${text} should parse`);
        for (const map of maps) assert.equal(compiled.value(lookupOf(map)), evaluateRequirements(parsed.value, lookupOf(map)), text);
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees with the RANK interpreter and always yields an integer (never NaN, Infinity or -0)', () => {
    fc.assert(
      fc.property(rankText, fc.array(attributeMaps, { minLength: 1, maxLength: 5 }), (text, maps) => {
        const parsed = parseRank(text);
        const compiled = compileRank(text);
        assert.ok(parsed.ok && compiled.ok, `${text} should parse`);
        for (const map of maps) {
          const score = compiled.value(lookupOf(map));
          assert.ok(Number.isInteger(score) && !Object.is(score, -0), `${text} gave ${score}`);
          assert.ok(Object.is(score, evaluateRank(parsed.value, lookupOf(map))), text);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('reads a | b & c as a | (b & c) and !a & b as (!a) & b', () => {
    const atom = requirementsText.map((e) => `(${e})`);
    fc.assert(
      fc.property(atom, atom, atom, attributeMaps, (a, b, c, map) => {
        const run = (text: string) => requirements(text)(lookupOf(map));
        assert.equal(run(`${a} | ${b} & ${c}`), run(`${a} | (${b} & ${c})`));
        assert.equal(run(`${a} & ${b} | ${c}`), run(`(${a} & ${b}) | ${c}`));
        assert.equal(run(`!${a} & ${b}`), run(`(!${a}) & ${b}`));
        assert.equal(run(`!${a} | ${b}`), !run(a) || run(b));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws or hangs on random token soup, and errors carry a position', () => {
    const piece = fc.constantFrom('A', 'free_cpu', ' ', '=', '!', '&', '|', '>', '<', '>=', '<=', '(', ')', '"', '"k*"', '""', '1', '-', '2.5', '+', '*', '/', '^', '\n', 'é', '\0', '$(x)', '`', ';');
    const soup = fc.oneof(fc.array(piece, { maxLength: 300 }).map((p) => p.join('')), fc.string({ unit: 'binary', maxLength: 200 }));
    fc.assert(
      fc.property(soup, attributeMaps, (text, map) => {
        const started = performance.now();
        for (const r of [compileRequirements(text), compileRank(text)]) {
          if (r.ok) {
            const value = r.value(lookupOf(map));
            assert.ok(typeof value === 'boolean' || Number.isInteger(value));
          } else {
            assert.ok(r.error.line >= 1 && r.error.column >= 1);
            assert.match(r.error.message, /at line \d+, column \d+$/);
          }
        }
        // Generous for a loaded 2-core machine; a real hang would take far longer.
        assert.ok(performance.now() - started < 1000, `slow on ${JSON.stringify(text)}`);
      }),
      { numRuns: 2000 },
    );
  });
});
