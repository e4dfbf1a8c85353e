import type { UserView } from '../views.ts';
import { leaf, node } from './xml.ts';

/**
 * `<USER>` (§3.5.5). Deviations, both deliberate: PASSWORD is kept as an
 * element for compatibility but always empty (the stored value is a salted
 * hash and stays inside oned); ENABLED is `1`/`0` in the pool listing too,
 * instead of 1.4's `True`/`Fase`.
 */
const userXml = (u: UserView): string =>
  node('USER', leaf('ID', u.id) + leaf('NAME', u.name) + '<PASSWORD></PASSWORD>' + leaf('ENABLED', u.enabled ? 1 : 0));

export const userDocument = (u: UserView): string => userXml(u);

export const userPoolDocument = (users: readonly UserView[]): string =>
  node('USER_POOL', users.map(userXml).join(''));
