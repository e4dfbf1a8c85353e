import { readdirSync, readFileSync } from 'node:fs';

/** Parent pid of every live process (from /proc/<pid>/stat). */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name (field 2) may hold spaces and parentheses: read after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      out.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

/** `roots` and all their descendants. */
export function processTree(roots: readonly number[]): number[] {
  const ppid = parents();
  const tree = new Set(roots);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of ppid) if (tree.has(parent) && !tree.has(pid)) (tree.add(pid), (grew = true));
  }
  return [...tree];
}

/** The RSS of `roots` and all their descendants, in MB (one decimal). */
export function treeRssMb(roots: readonly number[]): number {
  let kb = 0;
  for (const pid of processTree(roots)) {
    try {
      kb += Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Gone meanwhile.
    }
  }
  return Math.round((kb / 1024) * 10) / 10;
}
