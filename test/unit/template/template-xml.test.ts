import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { escapeXml } from '../../../src/template/escape-xml.ts';
import { parseTemplate } from '../../../src/template/parse-template.ts';
import { templateToXml } from '../../../src/template/template-xml.ts';

describe('templateToXml (spec §3.5)', () => {
  it('sorts attributes and sub-attributes by name, keeps repeats in order, no whitespace', () => {
    const r = parseTemplate('NAME = vm\nDISK = [ TARGET = hdb, SOURCE = b ]\nCPU = 1\nDISK = [ TARGET = hda, SOURCE = a ]');
    assert.ok(r.ok);
    assert.equal(
      templateToXml(r.value),
      '<TEMPLATE><CPU>1</CPU><DISK><SOURCE>b</SOURCE><TARGET>hdb</TARGET></DISK>' +
        '<DISK><SOURCE>a</SOURCE><TARGET>hda</TARGET></DISK><NAME>vm</NAME></TEMPLATE>',
    );
  });

  it('escapes values (1.4 wrote them raw)', () => {
    const r = parseTemplate('A = "<b> & \'c\' \\"d\\""\nV = [ X = "1 < 2" ]');
    assert.ok(r.ok);
    assert.equal(
      templateToXml(r.value),
      '<TEMPLATE><A>&lt;b&gt; &amp; &apos;c&apos; &quot;d&quot;</A><V><X>1 &lt; 2</X></V></TEMPLATE>',
    );
  });

  it('emits an empty value as an empty element', () => {
    const r = parseTemplate('E =\n');
    assert.ok(r.ok);
    assert.equal(templateToXml(r.value), '<TEMPLATE><E></E></TEMPLATE>');
  });
});

describe('escapeXml', () => {
  it('escapes the five markup characters and CR', () => {
    assert.equal(escapeXml(`a&b<c>d"e'f\rg`), 'a&amp;b&lt;c&gt;d&quot;e&apos;f&#13;g');
  });

  it('replaces characters XML cannot carry and keeps tab, newline and astral characters', () => {
    assert.equal(escapeXml('a\u0000b\u001Fc\uFFFEd\uD800e'), 'a\uFFFDb\uFFFDc\uFFFDd\uFFFDe');
    assert.equal(escapeXml('\t\n😀'), '\t\n😀');
  });

  it('gives text that an XML parser reads back as the original, for any string', () => {
    const parser = new XMLParser({ trimValues: false, parseTagValue: false, processEntities: true, htmlEntities: true });
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '&', '<', '>', '"', "'", ' ', '\n', '\t', ';', '#', 'é'), maxLength: 30 }), (s) => {
        const doc = parser.parse(`<R><V>${escapeXml(s)}</V></R>`) as { R: { V: string } };
        assert.equal(doc.R.V === undefined ? '' : String(doc.R.V), s);
      }),
      { numRuns: 300 },
    );
  });
});
