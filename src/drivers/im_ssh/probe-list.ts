import { isAbsolute, join } from 'node:path';

export interface Probe {
  readonly name: string;
  /** Absolute path of the local script. */
  readonly path: string;
}

/**
 * Parses a probe list such as etc/im_kvm/im_kvm.conf (spec §5.5): lines
 * `name=script`, `#` comments. Relative scripts live in `probeDir`.
 */
export function parseProbeList(text: string, probeDir: string): { probes: Probe[]; errors: string[] } {
  const probes: Probe[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const eq = line.indexOf('=');
    const name = eq > 0 ? line.slice(0, eq).trim() : '';
    const script = eq > 0 ? line.slice(eq + 1).trim() : '';
    if (!/^[A-Za-z0-9_.-]+$/.test(name) || script === '') {
      errors.push(`line ${i + 1}: expected name=script, got "${line.slice(0, 80)}"`);
      return;
    }
    probes.push({ name, path: isAbsolute(script) ? script : join(probeDir, script) });
  });
  return { probes, errors };
}
