/**
 * Outside readers for the deployment files, run in one python3 process per
 * batch (the property tests check hundreds of files):
 * - `readXmlDocuments`: Python's expat-based ElementTree, a strict XML
 *   parser that also checks namespaces, gives every element as path,
 *   attributes and text;
 * - `readXenConfigs`: parses the whole file with `ast.parse` (nothing is
 *   executed) and requires every statement to be `name = <literal>`, each
 *   value read with `ast.literal_eval`, and one statement per non-comment
 *   line, so that no line hides a second statement or continues another.
 */
import { spawnSync } from 'node:child_process';

export interface XmlElement {
  readonly path: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly text: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const XML_SCRIPT = String.raw`
import json, sys, xml.etree.ElementTree as ET
out = []
for doc in json.load(sys.stdin):
    try:
        root = ET.fromstring(doc)
    except ET.ParseError as e:
        out.append({'ok': False, 'error': str(e)}); continue
    elements = []
    def walk(e, prefix):
        path = prefix + '/' + e.tag if prefix else e.tag
        elements.append({'path': path, 'attributes': dict(e.attrib), 'text': e.text or ''})
        for child in e: walk(child, path)
    walk(root, '')
    out.append({'ok': True, 'value': elements})
json.dump(out, sys.stdout)
`;

const XEN_SCRIPT = String.raw`
import ast, json, sys
out = []
for text in json.load(sys.stdin):
    try:
        tree = ast.parse(text)
        pairs = []
        for node in tree.body:
            if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
                raise ValueError('line %d is not one name = value' % node.lineno)
            pairs.append([node.targets[0].id, ast.literal_eval(node.value)])
        lines = [l for l in text.split('\n') if l.strip() and not l.strip().startswith('#')]
        if len(lines) != len(pairs):
            raise ValueError('%d statements on %d lines' % (len(pairs), len(lines)))
        for l in lines:
            ast.literal_eval(l.split('=', 1)[1].strip())
        out.append({'ok': True, 'value': pairs})
    except Exception as e:
        out.append({'ok': False, 'error': '%s: %s' % (type(e).__name__, e)})
json.dump(out, sys.stdout)
`;

function runPython<T>(script: string, inputs: readonly string[]): Parsed<T>[] {
  const run = spawnSync('python3', ['-c', script], { input: JSON.stringify(inputs), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`python3 failed (${run.status ?? run.signal}): ${run.stderr || run.error?.message}`);
  return JSON.parse(run.stdout) as Parsed<T>[];
}

export const readXmlDocuments = (docs: readonly string[]): Parsed<XmlElement[]>[] => runPython(XML_SCRIPT, docs);

export type XenPairs = [string, unknown][];

export const readXenConfigs = (configs: readonly string[]): Parsed<XenPairs>[] => runPython(XEN_SCRIPT, configs);
