import { readFileSync } from 'node:fs';
import { oneAuthPath, parseOneAuth, sessionOf, sha1hex } from '../../rpc/one-auth.ts';
import { CliError } from './cli-error.ts';

/** The CLI's view of the shared one_auth handling (rpc/one-auth.ts), with errors as CliError. */
export const sha1Hex = sha1hex;

export interface AuthSource {
  readonly env: NodeJS.ProcessEnv;
  readonly home?: string;
  readonly readFile?: (path: string) => string;
}

/** Path of the credentials file: $ONE_AUTH, else ~/.one/one_auth. */
export const authFilePath = (source: AuthSource): string => oneAuthPath(source.env, source.home);

/** Parses the `user:password` line; the password may itself contain colons. */
export function parseAuthLine(content: string, path: string): { user: string; password: string } {
  const credentials = parseOneAuth(content);
  if (!credentials) throw new CliError(`auth file ${path} must contain one line "user:password"`);
  return credentials;
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
  return sessionOf(parseAuthLine(content, path));
}
