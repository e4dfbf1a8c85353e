/**
 * Failover of front-ends sharing a PostgreSQL database: 20 SIGKILLs of the
 * leader under churn (test/helpers/failover-churn.ts); reports the takeover
 * time (SIGKILL to the first write the standby accepts) and what was lost.
 *   node --import tsx bench/failover.ts [--small]
 * Human-readable lines go to stderr; the last stdout line is the JSON report.
 */
import { failoverUnderChurn } from '../test/helpers/failover-churn.ts';
import { PgCluster } from '../test/helpers/pg-cluster.ts';
import { isSmallRun, percentile, printReport } from './lib/report.ts';

const kills = isSmallRun() ? 2 : 20;
const cluster = await PgCluster.start();
try {
  const report = await failoverUnderChurn(cluster, await cluster.createDatabase('bench_failover'), kills, (line) => console.error(line));
  printReport('failover', { kills }, {
    takeover_s_p50: percentile(report.takeoversS, 50),
    takeover_s_max: Math.max(...report.takeoversS),
    acknowledged: report.acknowledged,
    acknowledged_lost: report.acknowledgedLost,
    ids_reused: report.idsReused,
    deployed_twice: report.deployedTwice,
    chain_verified: report.chainVerified ? 1 : 0,
  });
} finally {
  cluster.stop();
}
