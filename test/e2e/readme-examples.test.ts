import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isAlive } from '../../src/main/lock-file.ts';
import { freePort } from '../helpers/free-port.ts';
import { makeLocation, REPO } from '../helpers/oned-harness.ts';

/**
 * Runs the README's "A first session" as a newcomer would, against an oned
 * that `bin/one start` starts with its own ONE_LOCATION (the shipped
 * oned.conf on a free port), and compares each command's output with the
 * lines the README shows under it. In the README's lines `…` stands for
 * anything (a line of its own: any number of lines), numbers may differ and
 * runs of blanks may differ in length; words must be the same.
 */

interface Step {
  readonly command: string;
  readonly expected: readonly string[];
}

function firstSessionSteps(): Step[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const section = readme.split(/^## A first session$/m)[1]?.split(/^## /m)[0];
  assert.ok(section, 'README has "## A first session"');
  const blocks = [...section.matchAll(/^```console\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  assert.ok(blocks.length > 0, 'the section has a console block');
  const steps: { command: string; expected: string[] }[] = [];
  for (const line of blocks.join('').split('\n')) {
    if (line.startsWith('$ ')) steps.push({ command: line.slice(2).replace(/\s{2,}#.*$/, ''), expected: [] });
    else if (line !== '') steps.at(-1)?.expected.push(line);
  }
  return steps;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const linePattern = (line: string) =>
  new RegExp(`^${line.split('…').map((part) => escape(part).replace(/\d+/g, '\\d+').replace(/ +/g, ' +')).join('.*')}$`);

/** Whether `actual` lines match `expected` ones; a lone `…` matches any number of lines. */
function linesMatch(expected: readonly string[], actual: readonly string[]): boolean {
  if (expected.length === 0) return actual.length === 0;
  const [first, ...rest] = expected;
  if (first === '…') return actual.some((_, i) => linesMatch(rest, actual.slice(i))) || linesMatch(rest, []);
  return actual.length > 0 && linePattern(first).test(actual[0]) && linesMatch(rest, actual.slice(1));
}

describe('README: A first session', () => {
  let location = '';
  after(() => {
    // Whatever the session did, stop what `one start` started, by pid.
    for (const name of ['sched.pid', 'oned.pid']) {
      const file = join(location, 'var', name);
      const pid = existsSync(file) ? Number.parseInt(readFileSync(file, 'utf8'), 10) : NaN;
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) process.kill(pid, 'SIGKILL');
    }
    if (location) rmSync(location, { recursive: true, force: true });
  });

  it('prints what the README shows', { timeout: 240_000 }, async () => {
    const port = await freePort();
    const shipped = readFileSync(join(REPO, 'etc', 'oned.conf'), 'utf8');
    assert.match(shipped, /^PORT = 2633$/m);
    location = makeLocation(shipped.replace(/^PORT = 2633$/m, `PORT = ${port}`));
    const env = {
      ...process.env,
      ONE_LOCATION: location,
      ONE_AUTH: join(location, 'one_auth'),
      ONE_XMLRPC: `http://localhost:${port}/RPC2`,
    };
    const steps = firstSessionSteps();
    assert.ok(steps.some((s) => s.command === 'one stop'), 'the session ends with one stop');
    const exports: string[] = [];
    for (const { command, expected } of steps) {
      if (command.startsWith('export ')) {
        exports.push(command);
        continue;
      }
      // scripts/run.sh installs packages and builds, then execs `bin/one start`: only the last part is ours to test.
      const run = command === 'scripts/run.sh' ? 'bin/one start' : command;
      // A listing may show what mm_sched and the drivers do a moment later: ask again, as a user would.
      const patient = / (list|show)\b/.test(command);
      const deadline = Date.now() + (patient ? 60_000 : 0);
      for (;;) {
        const r = spawnSync('bash', ['-c', [...exports, run].join('\n')], { cwd: REPO, env, encoding: 'utf8', timeout: 90_000 });
        const lines = r.stdout.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
        if (r.status === 0 && linesMatch(expected, lines)) break;
        if (Date.now() > deadline) {
          assert.fail(`$ ${command}\nexit ${r.status}\nexpected:\n${expected.join('\n')}\ngot:\n${r.stdout}${r.stderr}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  });

  it('the patterns can fail: another word, a missing line or an extra line does not match', () => {
    const expected = ['  ID USER     NAME', '   0 oneadmin ttylinux runn  19   39322 node1'];
    assert.ok(linesMatch(expected, ['  ID USER NAME', '   7 oneadmin ttylinux runn 3 40000 node1']));
    assert.ok(!linesMatch(expected, ['  ID USER NAME', '   0 oneadmin ttylinux pend 0 0 node1']));
    assert.ok(!linesMatch(expected, ['  ID USER NAME']));
    assert.ok(!linesMatch(expected, [...expected, 'more']));
    assert.ok(linesMatch(['…', 'oned started (pid …, port 2633)'], ['Created x', 'oned started (pid 1, port 40000)']));
  });
});

describe('help for a newcomer', () => {
  const run = (tool: string, ...args: string[]) => spawnSync(join(REPO, 'bin', tool), args, { encoding: 'utf8', timeout: 60_000 });

  it('one --help lists the commands and exits 0; a wrong command still exits 3', () => {
    const help = run('one', '--help');
    assert.equal(help.status, 0, help.stderr);
    for (const command of ['start', 'start --rebuild', 'stop', 'status']) assert.match(help.stdout, new RegExp(`^ {2}${command} {2,}\\w`, 'm'));
    assert.match(help.stdout, /^ {2}stop {2,}stops mm_sched, then oned/m);
    const wrong = run('one', 'begin');
    assert.equal(wrong.status, 3);
    assert.match(wrong.stderr, /^Usage: one /);
  });

  it('oneaudit --help and onehost --help exit 0 with the commands', () => {
    const audit = run('oneaudit', '--help');
    assert.equal(audit.status, 0, audit.stderr);
    assert.match(audit.stdout, /^ {2}verify /m);
    const host = run('onehost', '--help');
    assert.equal(host.status, 0, host.stderr);
    assert.match(host.stdout, /create\|add <hostname>/);
  });
});
