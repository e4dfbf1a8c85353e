import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { CliIo } from '../../../src/cli/lib/cli-context.ts';
import { runTool, type ToolDefinition } from '../../../src/cli/lib/run-tool.ts';
import type { XmlRpcValue } from '../../../src/cli/lib/one-client.ts';

/** A method → answer table standing in for oned; it records every call. */
export type Handler = (...params: XmlRpcValue[]) => XmlRpcValue[];

export interface FakeRun {
  code: number;
  stdout: string;
  stderr: string;
  /** [method, ...params without the session] */
  calls: XmlRpcValue[][];
  sessions: string[];
}

/** The environment of a CLI run as oneadmin: a one_auth file in a temp dir removed after the file's tests. */
export function oneadminEnv(): { ONE_AUTH: string } {
  const dir = mkdtempSync(join(tmpdir(), 'one-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const authFile = join(dir, 'one_auth');
  writeFileSync(authFile, 'oneadmin:password\n');
  return { ONE_AUTH: authFile };
}

export const ok = (value?: XmlRpcValue): XmlRpcValue[] => (value === undefined ? [true, '', 0] : [true, value, 0]);
export const fail = (message: string, code = 0x400): XmlRpcValue[] => [false, message, code];

export async function runWithFake(
  tool: ToolDefinition,
  argv: string[],
  handlers: Record<string, Handler>,
  extra: Partial<CliIo> = {},
): Promise<FakeRun> {
  const run: FakeRun = { code: -1, stdout: '', stderr: '', calls: [], sessions: [] };
  const io: CliIo = {
    env: { ONE_AUTH: '/nonexistent' },
    stdout: { write: (s: string) => (run.stdout += s) },
    stderr: { write: (s: string) => (run.stderr += s) },
    now: () => 1_700_007_200,
    sleep: async () => {},
    transport: {
      call: async (method, params) => {
        const [session, ...rest] = params;
        run.sessions.push(String(session));
        run.calls.push([method, ...rest]);
        const handler = handlers[method];
        if (!handler) return [[false, `no handler for ${method}`, 0x1000]];
        return [handler(...rest)];
      },
    },
    ...extra,
  };
  run.code = await runTool(tool, argv, io);
  return run;
}
