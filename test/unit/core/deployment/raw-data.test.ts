import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { rawXenProblem } from '../../../../src/core/deployment/raw-xen.ts';
import { rawXmlProblem } from '../../../../src/core/deployment/raw-xml.ts';
import { readXenConfigs, readXmlDocuments } from '../../../helpers/python-file-checks.ts';
import { fcRunParams } from '../../../model/support/fc-run-params.ts';

/** Pieces of XML, good and bad, joined at random: most joins are broken, some are fine. */
const XML_PIECES = [
  '<a>', '</a>', '<b/>', "<c x='1' y=\"2\"/>", '<q:e xmlns:q="http://q">', '</q:e>', '<q:f/>', 'text', ' ', '\n',
  '&amp;', '&lt;', '&#65;', '&#x10FFFF;', '&foo;', '&#0;', '&', '<', '>', ']]>', "'", '"', '<!-- c -->', '<![CDATA[x]]>',
  '<?pi x?>', '<!DOCTYPE a>', "<d z='<'/>", "<d z='&amp;'/>", "<d z='&x;'/>", '<e a="1" a="2"/>', '</domain>', '<domain>',
  '<xmlns:g/>', "<h xmlns:xml='x'/>", '<1a/>', '< a/>', '<a >', '</a >', '<a\tb="1"/>',
] as const;

const XEN_PIECES = [
  'a = 1', "b = 'x'", 'c = [ 1, \'y\', "z" ]', 'd = -1.5', 'e = []', '# note', '', '   # indented note', 'import os', "x = '", '  y = 2',
  'z = 007', 'if = 1', 'print = 1', 'w = "q\'"', "v = 'a\\'b'", 'u = 1 + 2', 'f = (1, 2)', 't = {}', 's = os.system', 'r = 0', "q = 'é'",
  'p = [ [1] ]', "o = '''x'''", 'n = 1; m = 2', 'l = 1 \\', "k = '$(id)'", 'j = "`id`;"',
] as const;

describe('RAW data checks', () => {
  it('accepts well-formed XML fragments libvirt can use', () => {
    for (const data of [
      "<clock offset='localtime'/>",
      '<cpu mode="host-model"><topology sockets="1" cores="2" threads="1"/></cpu>',
      "<qemu:commandline xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'><qemu:arg value='-no-hpet'/></qemu:commandline>",
      '<description>a &lt; b &amp; &#233;</description>',
      '<on_poweroff>destroy</on_poweroff>\n<on_reboot>restart</on_reboot>',
    ]) {
      assert.equal(rawXmlProblem(data), undefined, data);
    }
  });

  it('refuses fragments that could end the domain early or are not well-formed, saying why', () => {
    const cases: [string, RegExp][] = [
      ['</domain><domain>', /closes <\/domain> where nothing is open/],
      ['<a>', /leaves <a> open/],
      ['<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/shadow">]><a>&e;</a>', /no comments, CDATA, declarations/],
      ['<a>&e;</a>', /has an & that does not start/],
      ['<a>&#0;</a>', /character reference to a character XML does not allow/],
      ["<a x='<b'/>", /broken attribute x/],
      ['<a x="1" x="2"/>', /repeats attribute x/],
      ['<q:a/>', /namespace prefix q without declaring it/],
      ['a ]]> b', /]]>/],
      ['<a>\u0001</a>', /U\+0001/],
      ['<?xml version="1.0"?><a/>', /processing instructions/],
    ];
    for (const [data, why] of cases) assert.match(rawXmlProblem(data) ?? 'accepted', why, data);
  });

  it('accepts Xen lines of name = literal, and refuses anything Python would run or misread', () => {
    assert.equal(rawXenProblem("on_crash = 'destroy'\n\n# comment\ncpus = [ 0, 1, ]\nshadow_memory = 8\nextra2 = \"a $(b) `c`\""), undefined);
    const cases: [string, RegExp][] = [
      ["import os; os.system('id')", /line 1 is not name = value/],
      ["a = 1\nbootloader = __import__('os').system('id')", /line 2 is not name = value/],
      ["x = '''a\nb'''", /line 1 is not name = value/],
      ['  y = 2', /line 1 is not name = value/],
      ['z = 007', /line 1 is not name = value/],
      ["w = 'a\\'b'", /line 1 is not name = value/],
      ['if = 1', /the Python keyword if/],
      ['a = 1\r', /line 1 is not name = value/],
    ];
    for (const [data, why] of cases) assert.match(rawXenProblem(data) ?? 'accepted', why, data);
  });

  it('property: every XML fragment it accepts, put inside <domain>, is well-formed for expat (with namespaces)', () => {
    const accepted: string[] = [];
    let tried = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...XML_PIECES), { maxLength: 8 }), (pieces) => {
        tried += 1;
        const data = pieces.join('');
        if (rawXmlProblem(data) === undefined) accepted.push(data);
      }),
      fcRunParams(3000),
    );
    assert.ok(accepted.length >= tried / 50, `only ${accepted.length} of ${tried} fragments accepted: the property says little`);
    readXmlDocuments(accepted.map((d) => `<domain type='kvm'>${d}</domain>`)).forEach((parsed, i) => {
      assert.ok(parsed.ok, `accepted but not well-formed: ${JSON.stringify(accepted[i])} (${parsed.ok ? '' : parsed.error})`);
    });
  });

  it('property: every Xen RAW it accepts, after a generated config, is still only literal assignments for Python', () => {
    const accepted: string[] = [];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...XEN_PIECES), { maxLength: 5 }), (lines) => {
        const data = lines.join('\n');
        if (rawXenProblem(data) === undefined) accepted.push(`name = 'one-1'\nmemory = 64\n${data}\n`);
      }),
      fcRunParams(2000),
    );
    assert.ok(accepted.length >= 20, `only ${accepted.length} accepted`);
    readXenConfigs(accepted).forEach((parsed, i) => assert.ok(parsed.ok, `accepted but not literal: ${JSON.stringify(accepted[i])} (${parsed.ok ? '' : parsed.error})`));
  });
});
