/**
 * Checks what probes printed (spec §5.5): lines are trimmed, blanks dropped,
 * and every comma-separated piece must look like `NAME=value`, because oned
 * parses the joined result as a template. Bad pieces are returned apart so
 * the driver can say exactly what was wrong.
 */
const ATTRIBUTE = /^[A-Za-z_][A-Za-z0-9_]*\s*=/;

export function checkProbeOutput(stdout: string): { attributes: string[]; bad: string[] } {
  const attributes: string[] = [];
  const bad: string[] = [];
  for (const line of stdout.split('\n')) {
    for (const piece of line.split(',')) {
      const trimmed = piece.trim();
      if (trimmed === '') continue;
      (ATTRIBUTE.test(trimmed) && !/[\0\r]/.test(trimmed) ? attributes : bad).push(trimmed);
    }
  }
  return { attributes, bad };
}
