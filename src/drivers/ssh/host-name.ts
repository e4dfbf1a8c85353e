/**
 * Host names come from users (onehost create). The rule lives in
 * src/inputs/host-name.ts so that the API and the drivers apply the same
 * one; this re-export keeps the drivers' import path.
 */
export { isValidHostName } from '../../inputs/host-name.ts';
