import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contextScript } from '../../../src/core/context-script.ts';
import { DriverManager } from '../../../src/drivers/driver-manager.ts';
import type { DriverLog } from '../../../src/drivers/driver-reply.ts';
import { binDir, isAlive, MemoryLogger, repoRoot } from './support.ts';

/**
 * one_tm behind a DriverManager, as oned runs it with the shipped TM_MAD
 * entries: `arguments = "<name>/<name>.conf"`, read from ONE_LOCATION's etc
 * (oneLocation copies the shipped command sets there), and VM_DIR from its
 * oned.conf.
 */
export async function startTm(name: 'tm_ssh' | 'tm_nfs', env: NodeJS.ProcessEnv, args = `${name}/${name}.conf`) {
  const manager = new DriverManager({
    binDir, env, logger: new MemoryLogger(), requestTimeoutMs: 30_000,
    mads: [{ name, kind: 'tm', executable: 'one_tm', arguments: args }],
  });
  const logs: DriverLog[] = [];
  manager.logs$.subscribe((l) => logs.push(l));
  assert.deepEqual((await manager.start()).failed, []);
  let seq = 0;
  return {
    logs,
    /** Writes the script as oned would ($VAR/<vid>/transfer.<seq>.<suffix>) and sends TRANSFER. */
    async transfer(varDir: string, vid: number, text: string) {
      const dir = join(varDir, String(vid));
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `transfer.${seq++}.test`);
      writeFileSync(path, text);
      return manager.request(name, 'TRANSFER', vid, [path]);
    },
    /** DRIVER_CANCEL <vid>, as oned sends it. */
    cancel(vid: number) {
      manager.notify(name, `DRIVER_CANCEL ${vid}`);
    },
    async stop() {
      const pid = manager.pids()[name];
      await manager.stop();
      assert.equal(isAlive(pid), false);
    },
  };
}

/** ONE_LOCATION with an oned.conf that sets VM_DIR. */
export function oneLocation(root: string, vmDir: string): { location: string; varDir: string } {
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'var'), { recursive: true });
  writeFileSync(join(root, 'etc', 'oned.conf'), `VM_DIR = "${vmDir}"\n`);
  for (const set of ['tm_ssh', 'tm_nfs']) cpSync(join(repoRoot, 'etc', set), join(root, 'etc', set), { recursive: true });
  return { location: root, varDir: join(root, 'var') };
}

export const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A real qcow2 image with 1 MiB of written data, so a copy has something to get wrong. */
export function qcow2Image(path: string): void {
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path, '16M']);
  execFileSync('qemu-io', ['-c', 'write -P 0xab 0 1M', path], { stdio: 'ignore' });
}

export const imageFormat = (path: string): { format: string; 'virtual-size': number } =>
  JSON.parse(execFileSync('qemu-img', ['info', '--output=json', path], { encoding: 'utf8' }));

/** A file read back from an ISO with isoinfo (Rock Ridge names), no mount needed. */
export const isoFile = (iso: string, name: string): string => execFileSync('isoinfo', ['-R', '-i', iso, '-x', `/${name}`], { encoding: 'utf8' });
export const isoNames = (iso: string): string[] =>
  execFileSync('isoinfo', ['-R', '-f', '-i', iso], { encoding: 'utf8' }).split('\n').filter(Boolean).map((l) => l.replace(/^\//, '')).sort();

/** Writes context.sh as oned does at PROLOG; returns the path and the FILES it names. */
export function writeContext(varDir: string, vid: number, pairs: [string, string][]): { script: string; files: string[] } {
  const made = contextScript(pairs);
  assert.ok(made.ok);
  const script = join(varDir, String(vid), 'context.sh');
  mkdirSync(join(varDir, String(vid)), { recursive: true });
  writeFileSync(script, made.text);
  return { script, files: made.files };
}

/** Every path under `dir` named exactly `name` (an attack marker a shell would have created). */
export function findNamed(dir: string, name: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((p) => p.split('/').pop() === name);
}

/** Attack strings that must stay data: in file names and context values. */
export const ATTACK_NAME = `a b $(touch MARK) \`touch MARK\` 'q' "d" ;x&.qcow2`;
