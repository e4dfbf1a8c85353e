/**
 * Canonical JSON: JSON.stringify semantics with object keys sorted, so that
 * the same value always hashes to the same bytes no matter how it was built.
 * The event log stores `data` and `meta` in this form, which lets the hash
 * chain be re-computed from the stored text without parsing it.
 */
export function canonicalJson(value: unknown): string {
  const text = write(value);
  if (text === undefined) throw new TypeError('value is not representable as JSON');
  return text;
}

function write(value: unknown): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      // Same as JSON.stringify: NaN and ±Infinity become null, -0 becomes 0.
      return JSON.stringify(value);
    case 'bigint':
      throw new TypeError('BigInt is not representable as JSON');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  const withToJson = value as { toJSON?: () => unknown };
  if (typeof withToJson.toJSON === 'function') return write(withToJson.toJSON());
  if (Array.isArray(value)) {
    const items = value.map((item) => write(item) ?? 'null');
    return `[${items.join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort(compareCodeUnits);
  const parts: string[] = [];
  for (const key of keys) {
    const text = write(record[key]);
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

// Array.prototype.sort's default order is by UTF-16 code units; spelled out
// so that nobody "fixes" it to localeCompare, which would change hashes.
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
