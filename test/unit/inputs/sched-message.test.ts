import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SCHED_MESSAGE_MAX_CHARS, schedMessageProblem } from '../../../src/inputs/sched-message.ts';

describe('schedMessageProblem', () => {
  it('accepts one line of text, quotes, shell and XML characters included (they are escaped where shown)', () => {
    for (const ok of ['', '0/2500 hosts: 2100 failed REQUIREMENTS, 400 lacked MEMORY', `it's "quoted" $(rm -rf /) \`x\`; <a>&b</a>`, 'ünïcødé 😀',
      'x'.repeat(SCHED_MESSAGE_MAX_CHARS), '😀'.repeat(SCHED_MESSAGE_MAX_CHARS)]) {
      assert.equal(schedMessageProblem(ok), undefined, ok.slice(0, 40));
    }
  });

  it('refuses line breaks and control characters, naming the character and never echoing it', () => {
    const cases: [string, RegExp][] = [
      ['a\nb', /U\+000A at character 2/],
      ['a\rb', /U\+000D at character 2/],
      ['\tb', /U\+0009 at character 1/],
      ['ab\u001b[31m', /U\+001B at character 3/],
      ['x\u0085', /U\+0085/],
      ['x\u2028y', /U\+2028/],
      ['x\u007f', /U\+007F/],
    ];
    for (const [bad, why] of cases) assert.match(schedMessageProblem(bad) ?? '', why, JSON.stringify(bad));
    assert.match(schedMessageProblem('a\u0000b') ?? '', /U\+0000 at character 2, a character XML 1\.0 does not allow/);
    assert.match(schedMessageProblem('a\uD800') ?? '', /U\+D800/);
  });

  it('refuses more than the limit, counted in characters', () => {
    assert.match(schedMessageProblem('x'.repeat(SCHED_MESSAGE_MAX_CHARS + 1)) ?? '', /1025 characters long, longer than 1024/);
  });
});
