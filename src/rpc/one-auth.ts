import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The one_auth credentials every client uses (spec §3.2): the CLI, the
 * control script, oned's oneadmin bootstrap and oneaudit all read them here.
 */
export interface Credentials {
  readonly user: string;
  readonly password: string;
}

export const sha1hex = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex');

/** The XML-RPC session string: `user:sha1hex(password)`. */
export const sessionOf = (c: Credentials): string => `${c.user}:${sha1hex(c.password)}`;

/** Where the credentials live: $ONE_AUTH, else ~/.one/one_auth. */
export function oneAuthPath(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const fromEnv = env.ONE_AUTH;
  return fromEnv && fromEnv.trim() !== '' ? fromEnv : join(home, '.one', 'one_auth');
}

/** The first non-empty `user:password` line; the password may itself contain colons. */
export function parseOneAuth(content: string): Credentials | undefined {
  const line = content.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  return { user: line.slice(0, colon).trim(), password: line.slice(colon + 1).trim() };
}

/** Reads the credentials file; when it is missing, says exactly what to create. */
export function readCredentials(env: NodeJS.ProcessEnv = process.env): { ok: true; value: Credentials } | { ok: false; message: string } {
  const path = oneAuthPath(env);
  if (!existsSync(path)) {
    return {
      ok: false,
      message:
        `No credentials for oneadmin: ${path} does not exist. Create it with one line "oneadmin:<password>" ` +
        `(for example: mkdir -p ~/.one && echo "oneadmin:secret" > ~/.one/one_auth && chmod 600 ~/.one/one_auth), ` +
        `or point $ONE_AUTH at such a file.`,
    };
  }
  const content = readFileSync(path, 'utf8');
  const credentials = parseOneAuth(content);
  if (!credentials || credentials.password === '') {
    const first = content.split('\n')[0]!.trim();
    return { ok: false, message: `${path}: expected one line "user:password", found ${JSON.stringify(first.slice(0, 40))}` };
  }
  return { ok: true, value: credentials };
}
