import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatLog, formatReply, formatRequest, LineFormatError } from '../../../../src/drivers/protocol/format-line.ts';
import { MAX_LINE_LENGTH } from '../../../../src/drivers/protocol/driver-message.ts';
import { parseDriverLine, parseRequestLine } from '../../../../src/drivers/protocol/parse-line.ts';

const verb = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,11}$/).filter((v) => v !== 'LOG');
const token = fc.stringMatching(/^[!-~]{1,12}$/); // printable, no blanks
const text = fc.string({ maxLength: 60 }).map((s) => s.replace(/[\r\n\0]/g, 'x'));
const id = fc.option(fc.nat({ max: 1_000_000 }), { nil: undefined });

describe('parseDriverLine', () => {
  it('reads replies, with the info kept verbatim', () => {
    assert.deepEqual(parseDriverLine('DEPLOY SUCCESS 42 one-42'), { type: 'reply', verb: 'DEPLOY', result: 'SUCCESS', id: 42, info: 'one-42' });
    assert.deepEqual(parseDriverLine('MONITOR FAILURE 3 Could not monitor host  h.'), {
      type: 'reply', verb: 'MONITOR', result: 'FAILURE', id: 3, info: 'Could not monitor host  h.',
    });
    assert.deepEqual(parseDriverLine('SHUTDOWN SUCCESS 7'), { type: 'reply', verb: 'SHUTDOWN', result: 'SUCCESS', id: 7, info: '' });
    assert.deepEqual(parseDriverLine('INIT SUCCESS - -'), { type: 'reply', verb: 'INIT', result: 'SUCCESS', id: undefined, info: '-' });
  });

  it('reads LOG lines; a non-numeric id means oned.log', () => {
    assert.deepEqual(parseDriverLine('LOG - 12 Command execution fail: x'), { type: 'log', id: 12, text: 'Command execution fail: x' });
    assert.deepEqual(parseDriverLine('LOG - - hello'), { type: 'log', id: undefined, text: 'hello' });
    assert.deepEqual(parseDriverLine('LOG - host1 hello'), { type: 'log', id: undefined, text: 'hello' });
  });

  it('turns garbage into Malformed values with a reason, never throwing', () => {
    for (const bad of ['', 'hello world', 'DEPLOY MAYBE 3', 'DEPLOY SUCCESS', 'DEPLOY SUCCESS abc info', 'LOG x 1 t', 'LOG', 'A\rB SUCCESS 1']) {
      const parsed = parseDriverLine(bad);
      assert.equal(parsed.type, 'malformed', bad);
      assert.ok(parsed.type === 'malformed' && parsed.reason.length > 0);
    }
    const huge = parseDriverLine(`DEPLOY SUCCESS 1 ${'x'.repeat(MAX_LINE_LENGTH)}`);
    assert.equal(huge.type, 'malformed');
    assert.ok(huge.type === 'malformed' && huge.excerpt.length < 300);
  });

  it('never throws on any input', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
      const parsed = parseDriverLine(s);
      assert.ok(['reply', 'log', 'malformed'].includes(parsed.type));
      assert.ok(['request', 'malformed'].includes(parseRequestLine(s).type));
    }));
  });

  it('round-trips replies: parse(format(reply)) = reply', () => {
    fc.assert(fc.property(verb, fc.constantFrom('SUCCESS', 'FAILURE') as fc.Arbitrary<'SUCCESS' | 'FAILURE'>, id, text, (v, result, i, info) => {
      const line = formatReply(v, result, i, info);
      assert.deepEqual(parseDriverLine(line), { type: 'reply', verb: v, result, id: i, info });
    }));
  });

  it('round-trips LOG lines', () => {
    fc.assert(fc.property(id, text.filter((t) => t !== ''), (i, t) => {
      const lines = formatLog(i, t);
      assert.equal(lines.length, 1);
      assert.deepEqual(parseDriverLine(lines[0]), { type: 'log', id: i, text: t });
    }));
  });

  it('round-trips well-formed driver lines: format(parse(line)) = line', () => {
    const wellFormed = fc.tuple(verb, fc.constantFrom('SUCCESS', 'FAILURE'), fc.nat(), text).map(([v, r, i, t]) => (t === '' ? `${v} ${r} ${i}` : `${v} ${r} ${i} ${t}`));
    fc.assert(fc.property(wellFormed, (line) => {
      const parsed = parseDriverLine(line);
      assert.equal(parsed.type, 'reply');
      if (parsed.type === 'reply') assert.equal(formatReply(parsed.verb, parsed.result, parsed.id, parsed.info), line);
    }));
  });
});

describe('requests', () => {
  it('round-trips core → driver requests', () => {
    fc.assert(fc.property(verb, fc.array(token, { maxLength: 6 }), (v, args) => {
      assert.deepEqual(parseRequestLine(formatRequest(v, args)), { type: 'request', verb: v, args });
    }));
  });

  it('lets no argument hold a blank or a newline', () => {
    assert.throws(() => formatRequest('EXECUTE', ['1', 'hook', 'LOCAL', '/bin/echo', 'a  b "c d"']), LineFormatError);
    assert.throws(() => formatRequest('EXECUTE', ['1', 'hook', 'LOCAL', '/bin/echo', 'a\nFINALIZE']), LineFormatError);
    assert.throws(() => formatRequest('MONITOR', ['1', 'x; touch /tmp/pwned', 'y']), LineFormatError);
    assert.throws(() => formatRequest('MONITOR', ['1', 'x; touch /tmp/pwned']), LineFormatError);
    assert.throws(() => formatRequest('MONITOR', ['1', 'host\nFINALIZE']), LineFormatError);
    assert.throws(() => formatRequest('deploy', ['1']), LineFormatError);
  });

  it('keeps free-text arguments recoverable exactly', () => {
    const parsed = parseRequestLine('EXECUTE 1 hook LOCAL /bin/echo a  b');
    assert.ok(parsed.type === 'request');
    assert.equal(parsed.type === 'request' && parsed.args.slice(4).join(' '), 'a  b');
  });

  it('puts multi-line log text on several LOG lines', () => {
    assert.deepEqual(formatLog(3, 'one\ntwo\r\n\nthree'), ['LOG - 3 one', 'LOG - 3 two', 'LOG - 3 three']);
  });
});
