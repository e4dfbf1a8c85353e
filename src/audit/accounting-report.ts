import { reasonShortName } from '../cli/lib/state-names.ts';
import { renderTable, type TableSpec } from '../cli/lib/table.ts';
import { formatDate } from '../cli/lib/time-format.ts';
import { safeText } from '../cli/lib/safe-text.ts';
import { totalsBy, type Period, type UsageRow, type UsageTotals } from './accounting.ts';

const fixed = (n: number, digits = 2) => n.toFixed(digits);

/** OpenNebula's oneacct columns (VID, SEQ, HOSTNAME, REASON, START_TIME, END_TIME, MEMORY, CPU) plus the usage. */
const ROWS: TableSpec<UsageRow> = {
  columns: [
    { key: 'vid', header: 'VID', width: 4, numeric: true, description: 'VM id', value: (r) => String(r.vid) },
    { key: 'seq', header: 'SEQ', width: 3, numeric: true, description: 'history record', value: (r) => String(r.seq) },
    { key: 'hostname', header: 'HOSTNAME', width: 15, description: 'host', value: (r) => r.hostname },
    { key: 'reason', header: 'REAS', width: 4, description: 'why the record ended', value: (r) => reasonShortName(r.reason) },
    { key: 'start_time', header: 'START_TIME', width: 14, description: 'running from (in the period)', value: (r) => formatDate(r.start) },
    { key: 'end_time', header: 'END_TIME', width: 14, description: 'running until (in the period)', value: (r) => formatDate(r.end) },
    { key: 'memory', header: 'MEMORY', width: 6, numeric: true, description: 'MEMORY, MB', value: (r) => `${r.memoryMb}M` },
    { key: 'cpu', header: 'CPU', width: 4, numeric: true, description: 'CPU', value: (r) => String(r.cpu) },
    { key: 'hours', header: 'HOURS', width: 7, numeric: true, description: 'running hours', value: (r) => fixed(r.hours) },
    { key: 'cpu_hours', header: 'CPU_HOURS', width: 9, numeric: true, description: 'CPU × running hours', value: (r) => fixed(r.cpuHours) },
    { key: 'mem_hours', header: 'MB_HOURS', width: 9, numeric: true, description: 'MEMORY (MB) × running hours', value: (r) => fixed(r.memoryMbHours, 1) },
  ],
  defaults: ['vid', 'seq', 'hostname', 'reason', 'start_time', 'end_time', 'memory', 'cpu', 'hours', 'cpu_hours', 'mem_hours'],
};

const hostList = (t: UsageTotals) =>
  Object.entries(t.hostHours)
    .map(([host, hours]) => `${safeText(host)} ${fixed(hours)} h`)
    .join(', ');

const totalLine = (what: string, t: UsageTotals) =>
  `${what}: running ${fixed(t.hours)} h (${hostList(t)}), ${fixed(t.cpuHours)} CPU-hours, ${fixed(t.memoryMbHours, 1)} MB-hours`;

/** As OpenNebula's oneacct: a table of history records under `# User <id> <name>`, then that user's and each VM's totals. */
export function accountingTable(rows: readonly UsageRow[], period: Period, userName: (uid: number) => string): string {
  const out = [`Showing active history records from ${new Date(period.from * 1000).toISOString()} to ${new Date(period.to * 1000).toISOString()}`, ''];
  for (const [uid, total] of totalsBy(rows, (r) => r.uid)) {
    const mine = rows.filter((r) => r.uid === uid);
    out.push(`# User ${uid} ${safeText(userName(uid))}`, '', renderTable(ROWS, mine).trimEnd(), '');
    for (const [vid, t] of totalsBy(mine, (r) => r.vid)) out.push(totalLine(`  VM ${vid} ${safeText(mine.find((r) => r.vid === vid)!.name)}`, t));
    out.push(totalLine(`  User ${uid} total`, total), '');
  }
  if (rows.length === 0) out.push('No VM ran in this period.');
  return out.join('\n').trimEnd();
}

/** `--json`: the period, and per user its totals and its VMs with their records. */
export function accountingJson(rows: readonly UsageRow[], period: Period, userName: (uid: number) => string): string {
  const users = [...totalsBy(rows, (r) => r.uid)].map(([uid, totals]) => {
    const mine = rows.filter((r) => r.uid === uid);
    const vms = [...totalsBy(mine, (r) => r.vid)].map(([vid, t]) => ({ vid, name: mine.find((r) => r.vid === vid)!.name, ...t, records: mine.filter((r) => r.vid === vid) }));
    return { uid, name: userName(uid), ...totals, vms };
  });
  return JSON.stringify({ from: period.from, to: period.to, users }, null, 2);
}

const CSV_FIELDS = ['uid', 'vid', 'name', 'seq', 'hid', 'hostname', 'reason', 'start', 'end', 'cpu', 'memoryMb', 'hours', 'cpuHours', 'memoryMbHours'] as const;

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading =+-@ is defused for spreadsheets. */
function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `--csv`: one line per history record (times in epoch seconds), with a header line. */
export function accountingCsv(rows: readonly UsageRow[]): string {
  return [CSV_FIELDS.join(','), ...rows.map((r) => CSV_FIELDS.map((f) => csvField(r[f])).join(','))].join('\n');
}
