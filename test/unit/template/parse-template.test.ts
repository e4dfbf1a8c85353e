import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTemplate, parseTemplateWithLines, type TemplateSyntaxError } from '../../../src/template/parse-template.ts';
import type { Template } from '../../../src/template/template.ts';

function parsed(text: string, mode: 'multi' | 'replace' = 'multi'): Template {
  const r = parseTemplate(text, { mode });
  if (!r.ok) assert.fail(`unexpected syntax error: ${r.error.message}`);
  return r.value;
}

function failure(text: string): TemplateSyntaxError {
  const r = parseTemplate(text);
  if (r.ok) assert.fail(`expected a syntax error for ${JSON.stringify(text)}`);
  return r.error;
}

describe('parseTemplate (spec §8.1)', () => {
  it('reads single attributes with or without blanks around =, upper-casing names', () => {
    assert.deepEqual(parsed('cpu = 0.5\nType = RANGED\nPORT=2633\n').attributes, [
      { name: 'CPU', value: '0.5' },
      { name: 'TYPE', value: 'RANGED' },
      { name: 'PORT', value: '2633' },
    ]);
  });

  it('reads vectors, upper-casing sub-names and keeping written order', () => {
    assert.deepEqual(parsed('disk = [ source = "/img/a b.img", target = hda ]').attributes, [
      { name: 'DISK', pairs: [['SOURCE', '/img/a b.img'], ['TARGET', 'hda']] },
    ]);
  });

  it('allows newlines around commas and brackets and comments inside a vector', () => {
    const t = parsed('NIC = [\n  # the public network\n  NETWORK = "Public" ,\n\n  IP = 10.0.0.1\n]\n');
    assert.deepEqual(t.attributes, [{ name: 'NIC', pairs: [['NETWORK', 'Public'], ['IP', '10.0.0.1']] }]);
  });

  it('keeps the first value of a repeated sub-name', () => {
    assert.deepEqual(parsed('V = [ A = 1, a = 2, B = 3 ]').attributes, [{ name: 'V', pairs: [['A', '1'], ['B', '3']] }]);
  });

  it('skips comments on their own line and after a complete value', () => {
    const t = parsed('# header\n   # indented\nNAME = vm1 # trailing\nMEMORY = "512" # after quotes\n');
    assert.deepEqual(t.attributes, [
      { name: 'NAME', value: 'vm1' },
      { name: 'MEMORY', value: '512' },
    ]);
  });

  it('reads NAME = at the end of a line as an empty value', () => {
    assert.deepEqual(parsed('EMPTY =\nNEXT = 1\nLAST =').attributes, [
      { name: 'EMPTY', value: '' },
      { name: 'NEXT', value: '1' },
      { name: 'LAST', value: '' },
    ]);
  });

  it('reads quoted values spanning lines and unescapes \\" and \\\\', () => {
    const t = parsed('DATA = "line 1\nsays \\"hi\\" with a \\\\ and a \\n"\n');
    assert.deepEqual(t.attributes, [{ name: 'DATA', value: 'line 1\nsays "hi" with a \\ and a \\n' }]);
  });

  it('reads "" as an empty quoted string (fixes the 1.4 quirk)', () => {
    assert.deepEqual(parsed('A = ""\nV = [ X = "", Y = 1 ]').attributes, [
      { name: 'A', value: '' },
      { name: 'V', pairs: [['X', ''], ['Y', '1']] },
    ]);
  });

  it('keeps every occurrence in multi mode, in order', () => {
    const t = parsed('DISK = [ T = a ]\nNAME = x\nDISK = [ T = b ]\nDISK = [ T = c ]');
    assert.deepEqual(
      t.attributes.map((a) => ('pairs' in a ? `${a.name}:${a.pairs[0][1]}` : a.name)),
      ['DISK:a', 'NAME', 'DISK:b', 'DISK:c'],
    );
  });

  it('keeps one value per name in replace mode, the last one winning', () => {
    const t = parsed('FREECPU = 10\nHOSTNAME = n1\nfreecpu = 20\n', 'replace');
    assert.deepEqual(t.attributes, [
      { name: 'FREECPU', value: '20' },
      { name: 'HOSTNAME', value: 'n1' },
    ]);
  });

  it('accepts CRLF line ends and an empty input', () => {
    assert.deepEqual(parsed('A = 1\r\nB = [ C = 2,\r\n D = 3 ]\r\n').attributes, [
      { name: 'A', value: '1' },
      { name: 'B', pairs: [['C', '2'], ['D', '3']] },
    ]);
    assert.deepEqual(parsed('').attributes, []);
    assert.deepEqual(parsed('  # only a comment').attributes, []);
  });

  it('tells on which line each attribute starts', () => {
    const r = parseTemplateWithLines('\nA = 1\n\nB = [\n X = 1 ]\nC = "a\nb"\nD = 2');
    assert.ok(r.ok);
    assert.deepEqual(r.value.lines, [2, 4, 6, 8]);
  });
});

describe('parseTemplate syntax errors', () => {
  it('rejects an empty vector, naming line and column', () => {
    const e = failure('NAME = x\nDISK = [ ]');
    assert.equal(e.line, 2);
    assert.equal(e.column, 10);
    assert.match(e.message, /empty vector attribute DISK at line 2, column 10/);
  });

  it('rejects nested vectors, missing =, trailing commas and stray brackets', () => {
    assert.match(failure('A = [ B = [ C = 1 ] ]').message, /cannot be nested/);
    assert.match(failure('A 1').message, /'=' after A was expected/);
    assert.match(failure('A = [ B = 1, ]').message, /sub-attribute name/);
    assert.match(failure('A = ]').message, /where a value was expected/);
    assert.match(failure('= 3').message, /attribute name/);
    assert.match(failure('A = 1, B = 2').message, /line 1, column 6/);
  });

  it('rejects an empty sub-value that is not quoted', () => {
    assert.match(failure('V = [ A = , B = 1 ]').message, /missing value for V\/A/);
    assert.match(failure('V = [ A =\n B = 1 ]').message, /missing value for V\/A/);
  });

  it('reports an unterminated quoted string where it opens', () => {
    const e = failure('A = 1\nB = "never\nclosed');
    assert.deepEqual([e.line, e.column], [2, 5]);
    assert.match(e.message, /unterminated quoted string/);
  });

  it('reports an unterminated vector', () => {
    const e = failure('V = [ A = 1\n');
    assert.match(e.message, /unterminated vector attribute V at line 2, column 1/);
  });

  it('counts columns from 1 on the line of the error', () => {
    const e = failure('A = 1\nB = 2\n   C D');
    assert.deepEqual([e.line, e.column], [3, 6]);
  });

  it('refuses every character XML 1.0 forbids, raw or in quotes, naming it without writing it', () => {
    for (const [text, code, line, column] of [
      ['NAME = a\u0000b', 'U+0000', 1, 9],
      ['A = 1\nNAME = "x\u0001"', 'U+0001', 2, 10],
      ['V = [ A = \u001f ]', 'U+001F', 1, 11],
      ['# comment \uFFFE', 'U+FFFE', 1, 11],
      ['NAME = \uD800', 'U+D800', 1, 8],
      ['NAME = \uDC00x', 'U+DC00', 1, 8],
    ] as const) {
      const e = failure(text);
      assert.equal(e.message, `${code} is not allowed in a template at line ${line}, column ${column}`);
      assert.doesNotMatch(e.message, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\ud800-\udfff]/);
    }
    // Tabs, newlines, CR and whole surrogate pairs are characters like any other.
    assert.equal(parseTemplate('NAME = "a\tb\r\n😀"').ok, true);
  });
});
