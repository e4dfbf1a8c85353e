import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** Where the credentials live: $ONE_AUTH, else ~/.one/one_auth (spec §3.2). */
export function oneAuthPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.ONE_AUTH || join(homedir(), '.one', 'one_auth');
}

/** Reads `user:password` from the auth file; says exactly what to create when it is missing. */
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
  const line = readFileSync(path, 'utf8').split('\n')[0]!.trim();
  const colon = line.indexOf(':');
  if (colon <= 0 || colon === line.length - 1) {
    return { ok: false, message: `${path}: expected one line "user:password", found ${JSON.stringify(line.slice(0, 40))}` };
  }
  return { ok: true, value: { user: line.slice(0, colon), password: line.slice(colon + 1) } };
}

export const sha1hex = (text: string): string => createHash('sha1').update(text).digest('hex');

/** The XML-RPC session string: `user:sha1hex(password)`. */
export const sessionOf = (c: Credentials): string => `${c.user}:${sha1hex(c.password)}`;
