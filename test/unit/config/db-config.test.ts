import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { dbPassword, type DbConfig } from '../../../src/config/db-config.ts';
import { resolveLayout } from '../../../src/config/layout.ts';
import { parseOnedConf } from '../../../src/config/parse-oned-conf.ts';

const layout = resolveLayout({ ONE_LOCATION: '/opt/one' });
const dir = mkdtempSync(path.join(tmpdir(), 'one-ts-db-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function dbOf(text: string): DbConfig | undefined {
  const r = parseOnedConf(text, 'oned.conf', layout);
  if (!r.ok) assert.fail(r.error.map((p) => p.message).join('; '));
  return r.value.db;
}

function problemOf(text: string): string {
  const r = parseOnedConf(text, 'oned.conf', layout);
  if (r.ok) assert.fail(`expected a problem for ${text}`);
  assert.equal(r.error.length, 1);
  return `${r.error[0]!.file}:${r.error[0]!.line}: ${r.error[0]!.message}`;
}

const pg = (db: DbConfig | undefined) => {
  assert.equal(db?.backend, 'postgresql');
  return db as Extract<DbConfig, { backend: 'postgresql' }>;
};

describe('oned.conf DB', () => {
  it('is SQLite when absent or when BACKEND says so', () => {
    assert.equal(dbOf('PORT = 2633'), undefined);
    assert.deepEqual(dbOf('DB = [ BACKEND = "sqlite" ]'), { backend: 'sqlite' });
  });

  it("reads OpenNebula's PostgreSQL form, with defaults for what is left out", () => {
    assert.deepEqual(dbOf('DB = [ BACKEND = "postgresql", SERVER = "10.0.0.5", PORT = 5433, USER = "one", PASSWD = "s3cr\'et", DB_NAME = "one_db" ]'), {
      backend: 'postgresql', server: '10.0.0.5', port: 5433, user: 'one', database: 'one_db', password: { from: 'conf', value: "s3cr'et" },
    });
    assert.deepEqual(dbOf('DB = [ BACKEND = "postgresql" ]'), {
      backend: 'postgresql', server: '127.0.0.1', port: 5432, user: 'oneadmin', database: 'opennebula', password: { from: 'env' },
    });
  });

  it('refuses bad values with one line naming the line and the attribute', () => {
    assert.equal(problemOf('\nDB = [ BACKEND = "mysql" ]'), 'oned.conf:2: DB: BACKEND must be "sqlite" or "postgresql", got "mysql"');
    assert.match(problemOf('DB = [ BACKEND = "postgresql", PORT = 99999 ]'), /^oned.conf:1: DB: PORT must be an integer from 1 to 65535/);
    assert.match(problemOf('DB = [ BACKEND = "postgresql", SERVER = "a;b" ]'), /DB: SERVER must be an IP address or a host name/);
    for (const evil of ['x"; DROP TABLE events; --', 'a b', '$(id)', '`id`', 'a\nb']) {
      assert.match(problemOf(`DB = [ BACKEND = "postgresql", DB_NAME = ${JSON.stringify(evil)} ]`), /DB: DB_NAME must be a database name/);
      assert.match(problemOf(`DB = [ BACKEND = "postgresql", USER = ${JSON.stringify(evil)} ]`), /DB: USER must be a PostgreSQL user name/);
    }
    assert.match(problemOf('DB = [ BACKEND = "postgresql", PASSWD = "a", PASSWD_FILE = "/x" ]'), /set PASSWD or PASSWD_FILE, not both/);
    assert.match(problemOf('DB = [ BACKEND = "postgresql", PASSWD_FILE = "rel/path" ]'), /PASSWD_FILE must be an absolute path/);
    assert.match(problemOf('DB = [ BACKEND = "sqlite", SERVER = "x" ]'), /SERVER is only for BACKEND = "postgresql"/);
    assert.match(problemOf('DB = [ BACKEND = "postgresql", PASSWORD = "x" ]'), /unknown attribute PASSWORD/);
    assert.match(problemOf('DB = "postgresql"'), /DB: must be a vector/);
    assert.match(problemOf('DB = [ BACKEND = "sqlite" ]\nDB = [ BACKEND = "sqlite" ]'), /set more than once/);
  });

  it('takes the password from PASSWD, the first line of PASSWD_FILE, or ONE_DB_PASSWD', () => {
    const file = path.join(dir, 'pw');
    writeFileSync(file, 'from-file\nignored\n');
    assert.equal(dbPassword(pg(dbOf('DB = [ BACKEND = "postgresql", PASSWD = "inline" ]')), {}), 'inline');
    assert.equal(dbPassword(pg(dbOf(`DB = [ BACKEND = "postgresql", PASSWD_FILE = "${file}" ]`)), {}), 'from-file');
    assert.equal(dbPassword(pg(dbOf('DB = [ BACKEND = "postgresql" ]')), { ONE_DB_PASSWD: 'from-env' }), 'from-env');
    assert.throws(() => dbPassword(pg(dbOf('DB = [ BACKEND = "postgresql" ]')), {}), /^Error: DB: no password: set PASSWD or PASSWD_FILE in oned.conf, or ONE_DB_PASSWD/);
    assert.throws(() => dbPassword(pg(dbOf(`DB = [ BACKEND = "postgresql", PASSWD_FILE = "${dir}/missing" ]`)), {}), /PASSWD_FILE .*missing cannot be read \(ENOENT\)/);
  });
});
