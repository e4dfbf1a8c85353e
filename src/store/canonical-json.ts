/**
 * Canonical JSON: JSON.stringify semantics with object keys sorted, so that
 * the same value always hashes to the same bytes no matter how it was built.
 * The event log stores `data` and `meta` in this form, which lets the hash
 * chain be re-computed from the stored text without parsing it.
 *
 * Hand-rolled because it sits on the append hot path: string concatenation
 * and a sortedness check beat `map/join` and an unconditional sort.
 */
export function canonicalJson(value: unknown): string {
  const text = write(value);
  if (text === undefined) throw new TypeError('value is not representable as JSON');
  return text;
}

/** Canonical JSON of an object minus one top-level key, without copying it first. */
export function canonicalJsonWithout(record: object, omittedKey: string): string {
  return writeObject(record as Record<string, unknown>, omittedKey);
}

function write(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // As JSON.stringify: NaN and ±Infinity become null; String(-0) is "0".
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('BigInt is not representable as JSON');
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return writeArray(value);
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
        return write((value as { toJSON: () => unknown }).toJSON());
      }
      return writeObject(value as Record<string, unknown>);
    default:
      return undefined; // undefined, functions and symbols are skipped, as in JSON
  }
}

function writeArray(items: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out += ',';
    out += write(items[i]) ?? 'null';
  }
  return out + ']';
}

function writeObject(record: Record<string, unknown>, omittedKey?: string): string {
  const keys = Object.keys(record);
  // Default sort order is by UTF-16 code units, which is what we want; never
  // localeCompare, which would change hashes between machines.
  if (!isSorted(keys)) keys.sort();
  let out = '{';
  let first = true;
  for (const key of keys) {
    if (key === omittedKey) continue;
    const text = write(record[key]);
    if (text === undefined) continue;
    out += (first ? '' : ',') + quoteKey(key) + ':' + text;
    first = false;
  }
  return out + '}';
}

function isSorted(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

// Event shapes repeat the same few keys millions of times; the cap keeps
// hostile input from growing the cache without bound.
const quotedKeys = new Map<string, string>();
function quoteKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < 4096) quotedKeys.set(key, quoted);
  }
  return quoted;
}
