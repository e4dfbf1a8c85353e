import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { shellCommand, shellQuote } from '../../../../src/drivers/ssh/shell-quote.ts';

describe('shellQuote', () => {
  it('makes /bin/sh see exactly the original string, whatever it holds', () => {
    const nasty = fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(`x; touch /tmp/pwned`, `$(id)`, '`id`', `'"'`, `a'b`, `\\`, '-n'));
    fc.assert(fc.property(nasty.map((s) => s.replace(/\0/g, '')), (s) => {
      const out = execFileSync('/bin/sh', ['-c', `printf '%s' ${shellQuote(s)}`]).toString();
      assert.equal(out, s);
    }), { numRuns: 60 });
  });

  it('quotes every word of a command', () => {
    assert.equal(shellCommand(['/bin/echo', "it's", '$HOME']), `'/bin/echo' 'it'\\''s' '$HOME'`);
  });
});
