// OpenNebula's state codes and their names, as the server's /api/names lists them (the CLI's tables).
export const names = { vm: [], lcm: [], host: [], reason: [] };

export async function loadNames() {
  Object.assign(names, await (await fetch('/api/names')).json());
}

const ACTIVE = 3;
const PENDING = 1;
export const isPending = (state) => state === PENDING;

/** RUNNING, PROLOG… while ACTIVE (the LCM state), else PENDING, DONE… */
export const vmStateLabel = (state, lcm) => (state === ACTIVE ? names.lcm[lcm] : names.vm[state]) ?? `?${state}`;
