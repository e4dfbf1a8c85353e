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

function rssKb(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0; // gone meanwhile
  }
}

/** The RSS of `roots` and all their descendants, in MB (one decimal). */
export function treeRssMb(roots: readonly number[]): number {
  let kb = 0;
  for (const pid of processTree(roots)) kb += rssKb(pid);
  return Math.round((kb / 1024) * 10) / 10;
}

/** The RSS of one process alone, in MB (one decimal). */
export const processRssMb = (pid: number): number => Math.round((rssKb(pid) / 1024) * 10) / 10;
