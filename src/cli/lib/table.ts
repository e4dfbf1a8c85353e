import { CliError } from './cli-error.ts';
import { safeText } from './safe-text.ts';

/** One column of a listing (spec §10.2–10.5 give key, header and width). */
export interface Column<Row> {
  /** The name used by -l/-o/-f, e.g. `hostname`. */
  readonly key: string;
  readonly header: string;
  readonly width: number;
  readonly description: string;
  /** Numbers align right, widen instead of being cut and sort numerically. */
  readonly numeric?: boolean;
  readonly value: (row: Row) => string;
}

export interface TableSpec<Row> {
  readonly columns: readonly Column<Row>[];
  readonly defaults: readonly string[];
}

export interface TableOptions {
  /** -l: the columns to show, in order. */
  readonly list?: readonly string[];
  /** -o: sort keys; a leading `-` sorts that key descending. */
  readonly order?: readonly string[];
  /** -f: `column=regexp` pairs, all of which must match (case-insensitive). */
  readonly filter?: readonly string[];
  /** Terminal width; text columns shrink to fit. Undefined = no limit. */
  readonly maxWidth?: number;
  /** Bold, underlined header (only for a TTY). */
  readonly decorate?: boolean;
}

/** The narrowest a text column gets when squeezed into a small terminal. */
const MIN_TEXT_WIDTH = 3;

function findColumn<Row>(spec: TableSpec<Row>, name: string): Column<Row> {
  const wanted = name.trim().toLowerCase().replace(/^#/, '');
  const column = spec.columns.find(
    (c) => c.key === wanted || c.header.toLowerCase().replace(/^#/, '') === wanted,
  );
  if (!column) {
    throw new CliError(`unknown column "${name}"; columns are: ${spec.columns.map((c) => c.key).join(', ')}`);
  }
  return column;
}

function compareCells(a: string, b: string, numeric: boolean): number {
  if (numeric) {
    const x = Number(a);
    const y = Number(b);
    if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function parseFilter<Row>(spec: TableSpec<Row>, expr: string): { column: Column<Row>; pattern: RegExp } {
  const eq = expr.indexOf('=');
  if (eq <= 0) throw new CliError(`filter "${expr}" must look like column=value`);
  const column = findColumn(spec, expr.slice(0, eq));
  try {
    return { column, pattern: new RegExp(expr.slice(eq + 1), 'i') };
  } catch {
    throw new CliError(`filter "${expr}" is not a valid regular expression`);
  }
}

/** Widths after numbers have widened and text has shrunk to fit maxWidth. */
function fitWidths<Row>(columns: readonly Column<Row>[], cells: string[][], maxWidth?: number): number[] {
  const widths = columns.map((c, i) =>
    c.numeric ? Math.max(c.width, ...cells.map((row) => row[i].length)) : c.width,
  );
  if (maxWidth === undefined) return widths;
  const total = () => widths.reduce((a, b) => a + b, 0) + widths.length - 1;
  while (total() > maxWidth) {
    let widest = -1;
    columns.forEach((c, i) => {
      if (!c.numeric && widths[i] > MIN_TEXT_WIDTH && (widest < 0 || widths[i] > widths[widest])) widest = i;
    });
    if (widest < 0) break;
    widths[widest]--;
  }
  return widths;
}

const fitCell = (text: string, width: number, right: boolean): string => {
  const cut = text.length > width ? text.slice(0, width) : text;
  return right ? cut.padStart(width) : cut.padEnd(width);
};

/** Selects, filters, sorts and lays out rows as the 1.4 ShowTable did. */
export function renderTable<Row>(spec: TableSpec<Row>, rows: readonly Row[], options: TableOptions = {}): string {
  const shown = (options.list && options.list.length > 0 ? options.list : spec.defaults).map((n) => findColumn(spec, n));
  const filters = (options.filter ?? []).map((f) => parseFilter(spec, f));
  const sortKeys = (options.order ?? []).map((o) => ({ column: findColumn(spec, o.replace(/^-/, '')), desc: o.startsWith('-') }));

  let kept = rows.filter((row) => filters.every(({ column, pattern }) => pattern.test(column.value(row))));
  if (sortKeys.length > 0) {
    kept = kept
      .map((row, index) => ({ row, index, keys: sortKeys.map((k) => k.column.value(row)) }))
      .sort((a, b) => {
        for (let k = 0; k < sortKeys.length; k++) {
          const c = compareCells(a.keys[k], b.keys[k], !!sortKeys[k].column.numeric);
          if (c !== 0) return sortKeys[k].desc ? -c : c;
        }
        return a.index - b.index;
      })
      .map((x) => x.row);
  }

  const cells = kept.map((row) => shown.map((c) => safeText(c.value(row))));
  const widths = fitWidths(shown, cells, options.maxWidth);
  const line = (values: readonly string[]) =>
    values.map((v, i) => fitCell(v, widths[i], !!shown[i].numeric)).join(' ').trimEnd();

  const header = line(shown.map((c) => c.header));
  const out = [options.decorate ? `\x1b[1m\x1b[4m${header}\x1b[0m` : header];
  for (const row of cells) out.push(line(row));
  return out.join('\n');
}

/** The --list-columns text. */
export function describeColumns<Row>(spec: TableSpec<Row>): string {
  return spec.columns
    .map((c) => `${c.key.padStart(9)} (${String(c.width).padStart(2)}) => ${c.description}`)
    .join('\n');
}
