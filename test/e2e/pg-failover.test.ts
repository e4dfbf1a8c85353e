/**
 * Failover under churn (test/helpers/failover-churn.ts): two front-ends on
 * one PostgreSQL database, a client allocating and deploying as fast as it
 * can, the leader SIGKILLed 10 times (each time the standby takes over and
 * the killed one comes back as a standby). No acknowledged call lost, no id
 * reused, no VM deployed twice, the chain verifies, every takeover < 5 s.
 * bench/failover.ts runs the same with 20 kills and reports the figures.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { failoverUnderChurn } from '../helpers/failover-churn.ts';
import { PgCluster } from '../helpers/pg-cluster.ts';

let cluster: PgCluster;
before(async () => void (cluster = await PgCluster.start()));
after(() => cluster?.stop());

describe('failover under churn', () => {
  it('10 SIGKILLs of the leader lose no acknowledged call, reuse no id, deploy no VM twice', async () => {
    const report = await failoverUnderChurn(cluster, await cluster.createDatabase('churn'), 10);
    assert.ok(report.acknowledged >= 50, `only ${report.acknowledged} calls acknowledged`);
    assert.equal(report.acknowledgedLost, 0);
    assert.equal(report.idsReused, 0);
    assert.equal(report.deployedTwice, 0);
    assert.equal(report.chainVerified, true);
    assert.equal(report.takeoversS.length, 10);
    assert.ok(Math.max(...report.takeoversS) < 5, `takeovers: ${report.takeoversS.join(', ')} s`);
  });
});
