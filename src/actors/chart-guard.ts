/**
 * Live decisions pass the XState charts (src/machines/chart-check.ts): the
 * VM and host deciders are wrapped so that every decision the runtime is
 * about to commit is checked against the chart. Replay and rebuild use the
 * same `evolve` unwrapped, so start-up stays the fast fold.
 *
 * A disagreement means one of two independent definitions of the life-cycle
 * is wrong: the command is refused with 0x2000 (nothing is appended) and the
 * disagreement goes to `report`, which the composition root points at the
 * log. The check itself stays pure.
 */
import { domainError, ErrorCode } from '../events/domain-error.ts';
import type { DomainEvent, StreamKind } from '../events/envelope.ts';
import { checkAgainstChart, describeDisagreement, hostChart, vmChart } from '../machines/chart-check.ts';
import type { ChartDisagreement, ChartModel } from '../machines/chart-check.ts';
import { reject } from '../machines/decider.ts';
import type { Decider } from '../machines/decider.ts';
import type { Logger } from './ports.ts';

export type DisagreementReport = (disagreement: ChartDisagreement) => void;

/** The composition root's report: one error line in oned.log that names both states. */
export const logDisagreements = (logger: Logger): DisagreementReport => (d) =>
  logger.log('ONE', 'E', `Refused a command: ${describeDisagreement(d)}`);

/** The decider with `decide` checked against the chart; evolve, effects and reconcile are the decider's own. */
export function chartGuarded<S, C, E extends DomainEvent, F>(
  decider: Decider<S, C, E, F>,
  chart: ChartModel<S>,
  report: DisagreementReport,
): Decider<S, C, E, F> {
  return {
    ...decider,
    decide(state, command) {
      const decision = decider.decide(state, command);
      if (!decision.ok || decision.events.length === 0) return decision;
      const disagreement = checkAgainstChart(chart, decider.evolve, state, decision.events);
      if (!disagreement) return decision;
      report(disagreement);
      return reject(domainError(ErrorCode.INTERNAL, `Internal error, command refused: ${describeDisagreement(disagreement)}`));
    },
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDecider = Decider<any, any, DomainEvent, any>;

/** The runtime's decider table with the charted kinds (vm, host) guarded; the others as they are. */
export function guardLiveDecisions<D extends Readonly<Record<StreamKind, AnyDecider>>>(deciders: D, report: DisagreementReport): D {
  return {
    ...deciders,
    vm: chartGuarded(deciders.vm, vmChart, report),
    host: chartGuarded(deciders.host, hostChart, report),
  };
}
