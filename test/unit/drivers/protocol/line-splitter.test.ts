import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineSplitter } from '../../../../src/drivers/protocol/line-splitter.ts';

describe('LineSplitter', () => {
  it('yields the same lines however the stream is chunked', () => {
    const lines = fc.array(fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, '')), { maxLength: 20 });
    fc.assert(fc.property(lines, fc.array(fc.nat(), { maxLength: 10 }), (ls, cuts) => {
      const text = ls.map((l) => `${l}\n`).join('');
      const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
      const splitter = new LineSplitter();
      const out: unknown[] = [];
      let last = 0;
      for (const p of [...points, text.length]) {
        out.push(...splitter.push(text.slice(last, p)));
        last = p;
      }
      out.push(...splitter.end());
      assert.deepEqual(out, ls);
    }));
  });

  it('reports an overlong line once and resumes at the next line', () => {
    const splitter = new LineSplitter(10);
    const out = [...splitter.push('short\n0123456789'), ...splitter.push('abcdef'), ...splitter.push('ghi\nnext\n')];
    assert.equal(out.length, 3);
    assert.equal(out[0], 'short');
    assert.equal(typeof out[1] === 'object' && out[1].type, 'malformed');
    assert.equal(out[2], 'next');
  });

  it('reports a partial last line at end of stream, and strips CR', () => {
    const splitter = new LineSplitter();
    assert.deepEqual(splitter.push('a\r\nhalf'), ['a']);
    const rest = splitter.end();
    assert.equal(rest.length, 1);
    assert.match(rest[0].reason, /partial/);
  });
});
