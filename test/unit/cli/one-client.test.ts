import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CliError } from '../../../src/cli/lib/cli-error.ts';
import { OneClient, unwrapOneResponse } from '../../../src/cli/lib/one-client.ts';

describe('ONE answers', () => {
  it('accepts the 3.x [ok, value, code] and the 1.4 [ok, value] / [ok] shapes', () => {
    assert.equal(unwrapOneResponse('m', [[true, 5, 0]]), 5);
    assert.equal(unwrapOneResponse('m', [[true, '<X/>']]), '<X/>');
    assert.equal(unwrapOneResponse('m', [[true]]), undefined);
  });

  it('turns [false, message, code] into a CliError with oned’s message', () => {
    assert.throws(
      () => unwrapOneResponse('one.vm.info', [[false, 'Error getting virtual machine [4].', 0x400]]),
      (e: Error) => e instanceof CliError && e.message === 'Error getting virtual machine [4].' && e.errorCode === 0x400,
    );
    assert.throws(() => unwrapOneResponse('m', [[false, 'no code']]), /no code/);
    assert.throws(() => unwrapOneResponse('m', [['yes']]), /malformed/);
  });

  it('sends the session first and reads the credentials only once', async () => {
    const sent: unknown[][] = [];
    let reads = 0;
    const client = new OneClient(
      { call: async (method, params) => (sent.push([method, ...params]), [[true, 1, 0]]) },
      () => (reads++, 'u:h'),
    );
    await client.call('one.vm.action', 'hold', 3);
    await client.callId('one.vm.allocate', 'NAME=x');
    assert.deepEqual(sent, [['one.vm.action', 'u:h', 'hold', 3], ['one.vm.allocate', 'u:h', 'NAME=x']]);
    assert.equal(reads, 1);
    await assert.rejects(client.callString('one.vm.info', 1), /expected an XML document/);
  });
});
