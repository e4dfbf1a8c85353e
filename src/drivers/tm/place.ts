import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { quoteWord, shellCommand } from '../../inputs/shell-words.ts';
import type { SshSettings } from '../ssh/ssh-settings.ts';

/**
 * Where a transfer command runs: on the front-end, or on a host through
 * OpenSSH's `ssh`. A step is a list of commands (argv arrays) run one after
 * the other until one fails, as `a && b`, so that a host step costs one ssh
 * connection. Every word is single-quoted for the shell that reads the line
 * (the remote login shell; locally `sh -c` only for a list, a single
 * command is started without any shell), so nothing in a path is ever
 * interpreted. The OpenSSH client rather than ssh2: images are streamed
 * from a program on one side into a program on the other, which is what
 * its pipes do.
 */
export type Commands = readonly (readonly string[])[];

export interface Place {
  /** A host name or `front-end`, for messages. */
  readonly name: string;
  /** Starts the commands; stdin goes to the last one. */
  start(commands: Commands, signal: AbortSignal): ChildProcess;
}

/** A step that did not succeed: its commands and what they printed on stderr. */
export class CommandFailed extends Error {}

/** mkswap and mkfs live in sbin, which is not on a plain user's PATH. */
const SBIN = '/usr/local/sbin:/usr/sbin:/sbin';
const chain = (commands: Commands): string => commands.map(shellCommand).join(' && ');

export const localPlace: Place = {
  name: 'front-end',
  start(commands, signal) {
    const env = { ...process.env, PATH: `${process.env.PATH ?? '/usr/bin:/bin'}:${SBIN}` };
    const [argv0, ...rest] = commands.length === 1 ? commands[0] : ['sh', '-c', chain(commands)];
    return spawn(argv0, rest, { stdio: 'pipe', signal, env });
  },
};

/** ssh options from the ONE_SSH_* settings; no ~/.ssh/config, so the settings are the whole story. */
export function sshArgs(settings: SshSettings): string[] {
  // OpenSSH expands %-tokens in this path and splits it at blanks unless quoted.
  const file = (p: string) => `"${p.replace(/%/g, '%%')}"`;
  return [
    '-F', 'none', '-T',
    '-o', 'BatchMode=yes',
    '-o', 'LogLevel=ERROR',
    '-o', `ConnectTimeout=${seconds(settings.connectTimeoutMs)}`,
    // A link cut mid-copy gives no error; without these ssh would wait on it for ever.
    '-o', `ServerAliveInterval=${seconds(settings.aliveIntervalMs)}`,
    '-o', `ServerAliveCountMax=${settings.aliveCountMax}`,
    '-p', String(settings.port),
    '-l', settings.user,
    ...(settings.keyPath ? ['-i', settings.keyPath, '-o', 'IdentitiesOnly=yes'] : []),
    ...(settings.strict
      ? ['-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${file(settings.knownHostsPath)}`]
      : ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null']),
  ];
}

/** OpenSSH takes whole seconds. */
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** `host` must already have passed the host-name rule (location.ts), so it cannot pass for an option. */
export function sshPlace(host: string, settings: SshSettings): Place {
  return {
    name: host,
    start: (commands, signal) =>
      spawn('ssh', [...sshArgs(settings), '--', host, `PATH="$PATH:${SBIN}"; ${chain(commands)}`], { stdio: 'pipe', signal }),
  };
}

/** How a step is shown in a failure: as it would be typed. */
const stepText = (place: Place, commands: Commands) => `${commands.map((c) => c.map(quoteWord).join(' ')).join(' && ')} (on ${place.name})`;

/** Waits for a started step; rejects with CommandFailed unless it exits 0. */
function finished(child: ChildProcess, place: Place, commands: Commands, collect = false): Promise<string> {
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  // Only short answers are collected; a streamed image goes to its consumer instead.
  if (collect) child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new CommandFailed(`${stepText(place, commands)}: ${err.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) return resolve(stdout);
      const why = stderr.trim().slice(-2000) || (signal ? `killed by ${signal}` : exitText(place, code));
      reject(new CommandFailed(`${stepText(place, commands)}: ${why}`));
    });
  });
}

/**
 * ssh exits 255 when the connection failed or was lost; at LogLevel=ERROR it
 * says nothing about a lost one ("Timeout, server not responding" is INFO).
 */
function exitText(place: Place, code: number | null): string {
  if (place !== localPlace && code === 255) return `ssh to ${place.name} failed or lost its connection (exit status 255)`;
  return `exit status ${code}`;
}

/** Runs a step to its end and returns its stdout. */
export function run(place: Place, commands: Commands, signal: AbortSignal): Promise<string> {
  const child = place.start(commands, signal);
  child.stdin?.end();
  return finished(child, place, commands, true);
}

/** Runs a step whose stdin is fed from `input` (a front-end stream such as an HTTP body). */
export async function runFed(place: Place, commands: Commands, input: Readable, signal: AbortSignal): Promise<void> {
  const child = place.start(commands, signal);
  child.stdout?.resume();
  const done = finished(child, place, commands);
  await Promise.all([pipeline(input, child.stdin!).catch(() => undefined), done]);
}

/** The stdout of step `from` into the stdin of step `to`; both must succeed. */
export async function pipe(from: Place, fromCommands: Commands, to: Place, toCommands: Commands, signal: AbortSignal): Promise<void> {
  const producer = from.start(fromCommands, signal);
  producer.stdin?.end();
  const consumer = to.start(toCommands, signal);
  consumer.stdout?.resume();
  const results = await Promise.allSettled([
    finished(producer, from, fromCommands),
    finished(consumer, to, toCommands),
    // A broken pipe is not the story: the programs' own messages say why it broke.
    pipeline(producer.stdout!, consumer.stdin!).catch(() => undefined),
  ]);
  // Both failing is usually one cause (no such file, then an empty archive): report both, cause first.
  const reasons = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (reasons.length > 0) throw new CommandFailed(reasons.join('; then '));
}
