import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from './cli-error.ts';

export const sha1Hex = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex');

export interface AuthSource {
  readonly env: NodeJS.ProcessEnv;
  readonly home?: string;
  readonly readFile?: (path: string) => string;
}

/** Path of the credentials file: $ONE_AUTH, else ~/.one/one_auth. */
export function authFilePath(source: AuthSource): string {
  const fromEnv = source.env.ONE_AUTH;
  if (fromEnv && fromEnv.trim() !== '') return fromEnv;
  return join(source.home ?? homedir(), '.one', 'one_auth');
}

/** Parses the `user:password` line; the password may itself contain colons. */
export function parseAuthLine(content: string, path: string): { user: string; password: string } {
  const line = content.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const colon = line.indexOf(':');
  if (colon <= 0) throw new CliError(`auth file ${path} must contain one line "user:password"`);
  return { user: line.slice(0, colon).trim(), password: line.slice(colon + 1).trim() };
}

/** The 1.4 session string: `user:sha1hex(password)`. */
export function sessionFromAuth(source: AuthSource): string {
  const path = authFilePath(source);
  const read = source.readFile ?? ((p: string) => readFileSync(p, 'utf8'));
  let content: string;
  try {
    content = read(path);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new CliError(
      `cannot read credentials file ${path} (${why}): set ONE_AUTH to a file containing "user:password", or create ~/.one/one_auth`,
    );
  }
  const { user, password } = parseAuthLine(content, path);
  return `${user}:${sha1Hex(password)}`;
}
