import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CliError } from '../../../src/cli/lib/cli-error.ts';
import { describeColumns, renderTable, type TableSpec } from '../../../src/cli/lib/table.ts';

interface Row {
  id: number;
  name: string;
  state: string;
}

const spec: TableSpec<Row> = {
  columns: [
    { key: 'id', header: 'ID', width: 3, numeric: true, description: 'identifier', value: (r) => String(r.id) },
    { key: 'name', header: 'NAME', width: 12, description: 'name', value: (r) => r.name },
    { key: 'stat', header: 'STAT', width: 4, description: 'state', value: (r) => r.state },
    { key: 'leases', header: '#LEASES', width: 7, numeric: true, description: 'leases', value: (r) => String(r.id * 2) },
  ],
  defaults: ['id', 'name', 'stat'],
};

const rows: Row[] = [
  { id: 10, name: 'web-b', state: 'runn' },
  { id: 2, name: 'web-a', state: 'pend' },
  { id: 7, name: 'Db', state: 'runn' },
];

const ids = (text: string) => text.split('\n').slice(1).map((l) => Number(l.trim().split(/\s+/)[0]));

describe('-l/--list', () => {
  it('shows the chosen columns in the chosen order, by key or by header', () => {
    assert.equal(renderTable(spec, rows, { list: ['stat', 'ID'] }), 'STAT  ID\nrunn  10\npend   2\nrunn   7');
    assert.equal(renderTable(spec, rows, { list: ['#LEASES'] }).split('\n')[0], '#LEASES');
  });

  it('rejects an unknown column and lists the valid ones', () => {
    assert.throws(() => renderTable(spec, rows, { list: ['nope'] }), (e: Error) => e instanceof CliError && /id, name, stat, leases/.test(e.message));
  });
});

describe('-o/--order', () => {
  it('sorts numeric columns as numbers, ascending, and - sorts descending', () => {
    assert.deepEqual(ids(renderTable(spec, rows, { order: ['id'] })), [2, 7, 10]);
    assert.deepEqual(ids(renderTable(spec, rows, { order: ['-id'] })), [10, 7, 2]);
  });

  it('breaks ties with the next key and keeps input order last', () => {
    assert.deepEqual(ids(renderTable(spec, rows, { order: ['stat', '-name'] })), [2, 10, 7]);
    assert.deepEqual(ids(renderTable(spec, rows, { order: ['stat'] })), [2, 10, 7]);
  });
});

describe('-f/--filter', () => {
  it('keeps rows whose column matches a case-insensitive regexp; all filters must match', () => {
    assert.deepEqual(ids(renderTable(spec, rows, { filter: ['name=^WEB'] })), [10, 2]);
    assert.deepEqual(ids(renderTable(spec, rows, { filter: ['name=web', 'stat=runn'] })), [10]);
    assert.deepEqual(ids(renderTable(spec, rows, { filter: ['name=db'] })), [7]);
  });

  it('reports a malformed filter', () => {
    assert.throws(() => renderTable(spec, rows, { filter: ['name'] }), /column=value/);
    assert.throws(() => renderTable(spec, rows, { filter: ['name=('] }), /regular expression/);
  });
});

describe('terminal width', () => {
  it('shrinks the widest text column first and never cuts numbers', () => {
    const text = renderTable(spec, rows, { maxWidth: 16 });
    for (const line of text.split('\n')) assert.ok(line.length <= 16, JSON.stringify(line));
    assert.deepEqual(ids(text), [10, 2, 7]);
  });

  it('every line fits whenever the numeric columns alone fit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3 + 1 + 3 + 1 + 3, max: 60 }), fc.array(fc.string({ maxLength: 30 }), { maxLength: 5 }), (width, names) => {
        const data = names.map((name, i) => ({ id: i, name, state: 'runn' }));
        const text = renderTable(spec, data, { maxWidth: width });
        return text.split('\n').every((line) => line.length <= width);
      }),
    );
  });

  it('decorates the header only when asked (TTY)', () => {
    assert.ok(renderTable(spec, rows, { decorate: true }).startsWith('\x1b[1m\x1b[4m'));
    assert.ok(!renderTable(spec, rows).includes('\x1b'));
  });
});

describe('--list-columns', () => {
  it('describes every column with its width', () => {
    assert.equal(describeColumns(spec).split('\n')[1], '     name (12) => name');
    assert.equal(describeColumns(spec).split('\n').length, 4);
  });
});
