import { XMLParser } from 'fast-xml-parser';
import { CliError } from './cli-error.ts';

/** oned's documents (spec §3.5) as plain data: every leaf stays a string. */
export type XmlNode = string | XmlObject | XmlNode[];
export interface XmlObject {
  [name: string]: XmlNode;
}

// Pool entries and leases are lists even when there is only one of them.
const alwaysLists = new Set([
  'VM_POOL.VM',
  'HOST_POOL.HOST',
  'VNET_POOL.VNET',
  'USER_POOL.USER',
  'VNET.LEASES.LEASE',
]);

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  isArray: (_name, jpath) => alwaysLists.has(String(jpath)),
});

export function parseOneXml(xml: string): XmlObject {
  try {
    const doc = parser.parse(xml) as XmlObject;
    if (!doc || typeof doc !== 'object' || Object.keys(doc).length === 0) throw new Error('empty document');
    return doc;
  } catch (err) {
    throw new CliError(`cannot parse the XML sent by oned: ${(err as Error).message}`);
  }
}

const isObject = (n: XmlNode | undefined): n is XmlObject => !!n && typeof n === 'object' && !Array.isArray(n);

/** Follows `A/B/C`; a repeated element yields its first occurrence. */
export function xmlPath(node: XmlNode | undefined, path: string): XmlNode | undefined {
  let current: XmlNode | undefined = node;
  for (const step of path.split('/')) {
    if (Array.isArray(current)) current = current[0];
    if (!isObject(current)) return undefined;
    current = current[step];
  }
  return current;
}

/** The text at `path`, or '' when it is absent or not a leaf. */
export function xmlText(node: XmlNode | undefined, path: string): string {
  const found = xmlPath(node, path);
  return typeof found === 'string' ? found : '';
}

export const xmlInt = (node: XmlNode | undefined, path: string): number => {
  const n = Number.parseInt(xmlText(node, path), 10);
  return Number.isFinite(n) ? n : 0;
};

/** The entries of a pool document, e.g. poolEntries(doc, 'VM_POOL', 'VM'). */
export function poolEntries(doc: XmlObject, pool: string, entry: string): XmlObject[] {
  const root = doc[pool];
  if (root === undefined) throw new CliError(`oned sent no <${pool}> document`);
  if (!isObject(root)) return [];
  const list = root[entry];
  if (list === undefined) return [];
  return (Array.isArray(list) ? list : [list]).filter(isObject);
}

/** The root element of a single-object document, e.g. rootOf(doc, 'VM'). */
export function rootOf(doc: XmlObject, name: string): XmlObject {
  const root = doc[name];
  if (!isObject(root)) throw new CliError(`oned sent no <${name}> document`);
  return root;
}

export const isXmlObject = isObject;
