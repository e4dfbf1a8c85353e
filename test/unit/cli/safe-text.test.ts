import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { safeText } from '../../../src/cli/lib/safe-text.ts';
import { keyValueLines } from '../../../src/cli/lib/text-output.ts';
import { renderTable, type TableSpec } from '../../../src/cli/lib/table.ts';

describe('control characters from oned are printed as escapes', () => {
  it('escapes newlines, tabs, ESC, DEL and C1 controls; keeps quotes, $(...) and non-ASCII', () => {
    assert.equal(safeText('a\nb\r\tc\x1b[31m\x7f\x85'), 'a\\nb\\r\\tc\\x1b[31m\\x7f\\x85');
    assert.equal(safeText(`"it's" $(rm -rf /) \`id\`; é`), `"it's" $(rm -rf /) \`id\`; é`);
  });

  it('a table row stays one line and a show value too', () => {
    const spec: TableSpec<string> = { columns: [{ key: 'name', header: 'NAME', width: 30, description: '', value: (r) => r }], defaults: ['name'] };
    const out = renderTable(spec, ['evil\nID 99 forged', 'ok']);
    assert.deepEqual(out.split('\n'), ['NAME', 'evil\\nID 99 forged', 'ok']);
    assert.equal(keyValueLines([['NAME', 'x\ny']], 5), 'NAME : x\\ny');
  });
});
