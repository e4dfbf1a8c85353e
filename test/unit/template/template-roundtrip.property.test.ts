import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findForbiddenCharacter } from '../../../src/inputs/xml-characters.ts';
import { parseTemplate } from '../../../src/template/parse-template.ts';
import { serializeTemplate } from '../../../src/template/serialize-template.ts';
import type { Template, TemplateAttribute } from '../../../src/template/template.ts';

const name = fc.stringMatching(/^[A-Z0-9_]{1,8}$/);
/** Values biased towards the characters the language treats specially. */
// Characters XML forbids are refused by the parser (tested in parse-template.test.ts), so values never hold them.
const awkwardChar = fc.constantFrom('"', '\\', '\n', '\r', ' ', '\t', '[', ']', ',', '#', '=', '$', 'a', 'Z', '0', 'é', '😀');
const value = fc.oneof(
  fc.string({ unit: awkwardChar, maxLength: 12 }),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('', '""', '\\', '\\"', 'a\\', '"quoted"', '# not a comment'),
).filter((v) => findForbiddenCharacter(v) === undefined);
const single = fc.record({ name, value }, { noNullPrototype: true });
const vector = fc.record({
  name,
  pairs: fc.uniqueArray(fc.tuple(name, value), { minLength: 1, maxLength: 5, selector: ([sub]) => sub }),
}, { noNullPrototype: true });
const templateArb: fc.Arbitrary<Template> = fc.record({
  attributes: fc.array(fc.oneof(single, vector) as fc.Arbitrary<TemplateAttribute>, { maxLength: 8 }),
}, { noNullPrototype: true });

describe('serializeTemplate', () => {
  it('writes templates that parse back to the same template, repeats included', () => {
    fc.assert(
      fc.property(templateArb, fc.boolean(), (t, repeatFirst) => {
        const withRepeat = repeatFirst && t.attributes.length > 0 ? { attributes: [...t.attributes, t.attributes[0]] } : t;
        const text = serializeTemplate(withRepeat);
        const back = parseTemplate(text, { mode: 'multi' });
        assert.ok(back.ok, back.ok ? '' : `${back.error.message}\n${text}`);
        assert.deepEqual(back.value, withRepeat);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves simple values unquoted and quotes the rest', () => {
    const text = serializeTemplate({
      attributes: [
        { name: 'CPU', value: '0.5' },
        { name: 'NAME', value: 'my vm' },
        { name: 'E', value: '' },
        { name: 'DISK', pairs: [['SOURCE', 'a"b\\c'], ['TARGET', 'hda']] },
      ],
    });
    assert.equal(text, 'CPU = 0.5\nNAME = "my vm"\nE = ""\nDISK = [\n  SOURCE = "a\\"b\\\\c",\n  TARGET = hda ]\n');
  });
});

describe('parseTemplate on arbitrary input', () => {
  const check = (text: string) => {
    const r = parseTemplate(text);
    if (!r.ok) {
      assert.ok(r.error.line >= 1 && r.error.column >= 1, JSON.stringify(r.error));
      assert.match(r.error.message, /at line \d+, column \d+$/);
      return;
    }
    // Whatever parses must survive a round trip too.
    const again = parseTemplate(serializeTemplate(r.value));
    assert.ok(again.ok);
    assert.deepEqual(again.value, r.value);
  };

  it('returns a template or a syntax error for random strings, never throws', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), check), { numRuns: 500 });
  });

  it('returns a template or a syntax error for random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => check(Buffer.from(bytes).toString('latin1'))), {
      numRuns: 300,
    });
  });

  it('returns a template or a syntax error for token soup', () => {
    const piece = fc.constantFrom('A', 'b_1', ' = ', '=', '[', ']', ',', '"', '""', '\\"', '#c', '\n', ' ', 'x y', '\r\n');
    fc.assert(fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => check(pieces.join(''))), { numRuns: 1000 });
  });

  it('parses large inputs in linear time', () => {
    const big = 'DISK = [ SOURCE = "/a/b", TARGET = hda ]\n'.repeat(20000) + 'A = "' + 'x'.repeat(200000);
    const started = process.hrtime.bigint();
    const r = parseTemplate(big);
    assert.equal(r.ok, false);
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 2000);
  });
});
