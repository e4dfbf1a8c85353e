import type { HostView, VmView } from '../views.ts';
import { escapeXml } from '../xmlrpc/escape.ts';
import { EscapedText } from '../xmlrpc/value.ts';
import { hostDocument } from './host-document.ts';
import { vmPoolEntry } from './vm-document.ts';

/**
 * The pool documents as oned sends them: one piece per object, its entry
 * rendered and escaped for the XML-RPC `<string>` once, then kept for as
 * long as its view object lives. The core hands out the same view object
 * until something the entry shows changes (views.ts), so a view's identity
 * stands for its version and a changed object is rendered again. Listing
 * 100,000 VMs is then a walk that collects pieces, with no document
 * string built, escaped and encoded per call.
 *
 * Escaping piece by piece gives the bytes that escaping the joined document
 * gives: escapeXml works character by character, and a piece never splits
 * a character.
 */
class PieceCache<V extends object> {
  private readonly pieces = new WeakMap<V, Uint8Array>();

  constructor(private readonly render: (view: V) => string) {}

  of(view: V): Uint8Array {
    let piece = this.pieces.get(view);
    if (!piece) {
      piece = escapedBytes(this.render(view));
      this.pieces.set(view, piece);
    }
    return piece;
  }
}

function escapedBytes(text: string): Uint8Array {
  const escaped = escapeXml(text);
  // Memory of its own, not a slice of Buffer's shared 8 KB pool: a kept
  // piece would hold a whole pool slab alive, many times its own size.
  const bytes = Buffer.allocUnsafeSlow(Buffer.byteLength(escaped, 'utf8'));
  bytes.write(escaped, 'utf8');
  return bytes;
}

const vmPieces = new PieceCache<VmView>((vm) => vmPoolEntry(vm, false));
const extendedVmPieces = new PieceCache<VmView>((vm) => vmPoolEntry(vm, true));
const hostPieces = new PieceCache<HostView>(hostDocument);

function poolText<V extends object>(element: string, views: readonly V[], cache: PieceCache<V>): EscapedText {
  const parts: Uint8Array[] = new Array(views.length + 2);
  parts[0] = escapedBytes(`<${element}>`);
  for (let i = 0; i < views.length; i++) parts[i + 1] = cache.of(views[i]!);
  parts[views.length + 1] = escapedBytes(`</${element}>`);
  return new EscapedText(parts);
}

/** `one.vmpool.info`: the text of vmPoolDocument, escaped, in pieces. */
export const vmPoolText = (vms: readonly VmView[], extended = false): EscapedText =>
  poolText('VM_POOL', vms, extended ? extendedVmPieces : vmPieces);

/** `one.hostpool.info`: the text of hostPoolDocument, escaped, in pieces. */
export const hostPoolText = (hosts: readonly HostView[]): EscapedText => poolText('HOST_POOL', hosts, hostPieces);
