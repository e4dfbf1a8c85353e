import { readFileSync } from 'node:fs';
import { vectorValue, type TemplateAttribute } from '../template/index.ts';
import { absolutePath, isProblem, listenAddress, problem, tcpPort, type Problem } from './value-checks.ts';

/**
 * oned.conf's `DB = [ BACKEND = "sqlite" | "postgresql", SERVER, PORT,
 * USER, PASSWD, DB_NAME ]`, in OpenNebula's own form. SQLite (var/one.db)
 * is the default. The password may stay out of oned.conf: PASSWD_FILE
 * names a file holding it, and without PASSWD or PASSWD_FILE it comes from
 * the environment variable ONE_DB_PASSWD.
 */
export type DbConfig =
  | { readonly backend: 'sqlite' }
  | {
      readonly backend: 'postgresql';
      readonly server: string;
      readonly port: number;
      readonly user: string;
      readonly database: string;
      readonly password: { readonly from: 'conf'; readonly value: string } | { readonly from: 'file'; readonly path: string } | { readonly from: 'env' };
    };

export const DB_PASSWORD_ENV = 'ONE_DB_PASSWD';

const ALLOWED = ['BACKEND', 'SERVER', 'PORT', 'USER', 'PASSWD', 'PASSWD_FILE', 'DB_NAME'];
/** PostgreSQL identifiers as users and databases get them here: no quoting games. */
const NAME = /^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/;

export function readDb(attribute: TemplateAttribute): DbConfig | Problem {
  if (!('pairs' in attribute)) return problem('must be a vector, e.g. DB = [ BACKEND = "postgresql", SERVER = "127.0.0.1", … ]');
  const bad = attribute.pairs.find(([sub]) => !ALLOWED.includes(sub));
  if (bad) return problem(`unknown attribute ${bad[0]} (allowed: ${ALLOWED.join(', ')})`);
  const get = (sub: string) => vectorValue(attribute, sub);
  const backend = (get('BACKEND') ?? 'sqlite').toLowerCase();
  if (backend === 'sqlite') {
    const extra = ALLOWED.slice(1).find((sub) => get(sub) !== undefined);
    return extra ? problem(`${extra} is only for BACKEND = "postgresql"`) : { backend: 'sqlite' };
  }
  if (backend !== 'postgresql') return problem(`BACKEND must be "sqlite" or "postgresql", got ${JSON.stringify(backend)}`);

  const server = listenAddress(get('SERVER') ?? '127.0.0.1');
  if (isProblem(server)) return problem(`SERVER ${server.problem}`);
  const port = tcpPort(get('PORT') ?? '5432');
  if (isProblem(port)) return problem(`PORT ${port.problem}`);
  const user = get('USER') ?? 'oneadmin';
  if (!NAME.test(user)) return problem(`USER must be a PostgreSQL user name (letters, digits, _ $ -), got ${JSON.stringify(user)}`);
  const database = get('DB_NAME') ?? 'opennebula';
  if (!NAME.test(database)) return problem(`DB_NAME must be a database name (letters, digits, _ $ -), got ${JSON.stringify(database)}`);
  const passwd = get('PASSWD');
  const passwdFile = get('PASSWD_FILE');
  if (passwd !== undefined && passwdFile !== undefined) return problem('set PASSWD or PASSWD_FILE, not both');
  if (passwdFile !== undefined) {
    const path = absolutePath(passwdFile);
    if (isProblem(path)) return problem(`PASSWD_FILE ${path.problem}`);
    return { backend, server, port, user, database, password: { from: 'file', path } };
  }
  return { backend, server, port, user, database, password: passwd !== undefined ? { from: 'conf', value: passwd } : { from: 'env' } };
}

/**
 * The password to connect with: from oned.conf, the first line of
 * PASSWD_FILE, or ONE_DB_PASSWD. Throws a one-line message when the file
 * cannot be read or the variable is not set.
 */
export function dbPassword(db: Extract<DbConfig, { backend: 'postgresql' }>, env: NodeJS.ProcessEnv = process.env): string {
  const source = db.password;
  if (source.from === 'conf') return source.value;
  if (source.from === 'file') {
    try {
      return readFileSync(source.path, 'utf8').split('\n')[0]!;
    } catch (e) {
      throw new Error(`DB PASSWD_FILE ${source.path} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }
  const value = env[DB_PASSWORD_ENV];
  if (value === undefined) throw new Error(`DB: no password: set PASSWD or PASSWD_FILE in oned.conf, or ${DB_PASSWORD_ENV} in the environment`);
  return value;
}
