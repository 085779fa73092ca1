/**
 * The Store contract on the Redis topologies production uses, built exactly as `rollbot serve`
 * builds its client (createRedisClient from REDIS_CLUSTER_NODES / REDIS_SENTINELS): a real
 * 3-master Redis Cluster and a real Sentinel-watched master with a replica. Each topology is
 * started once for the file.
 */
import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { RedisStore, createRedisClient } from '../../src/store/index.js';
import { describeWithBinaries } from '../helpers/infra/binaries.js';
import {
  redisAdmin,
  type RunningCluster,
  type RunningSentinel,
  startRedisCluster,
  startRedisSentinel,
} from '../helpers/infra/redis.js';
import { storeContract } from './contract.js';

jest.setTimeout(120_000);

function storeOn(settings: Parameters<typeof createRedisClient>[0]) {
  const client = createRedisClient(settings);
  client.on('error', () => undefined); // reconnect noise after the topology is stopped
  const store = new RedisStore(client, `test:${randomUUID()}:`);
  // The topology is thrown away after the file, so the keys need no cleanup; the client does.
  return { store, cleanup: () => store.close() };
}

describeWithBinaries(['redis-server'], 'Redis Cluster (3 masters)', (bin) => {
  let cluster: RunningCluster;
  beforeAll(async () => {
    cluster = await startRedisCluster(bin['redis-server']);
  });
  afterAll(() => cluster?.stop());

  storeContract('redis cluster', () => storeOn({ clusterNodes: cluster.nodes }));

  test("one incident's keys spread over all three masters, and each script still runs", async () => {
    const { store, cleanup } = storeOn({ clusterNodes: cluster.nodes });
    try {
      // Keys that hash to different slots: rollbot never needs two keys in one script.
      for (let i = 0; i < 30; i++)
        expect(await store.compareAndSet(`incident:${i}`, null, 'proposed')).toBe(true);
      const perNode = await Promise.all(
        cluster.nodes.map((n) => redisAdmin(Number(n.split(':')[1]), (c) => c.dbsize())),
      );
      expect(perNode.every((n) => n > 0)).toBe(true);
    } finally {
      await cleanup();
    }
  });
});

describeWithBinaries(
  ['redis-server', 'redis-sentinel'],
  'Redis Sentinel (master, replica, 3 sentinels)',
  (bin) => {
    let sentinel: RunningSentinel;
    beforeAll(async () => {
      sentinel = await startRedisSentinel(bin['redis-server'], bin['redis-sentinel']);
    });
    afterAll(() => sentinel?.stop());

    storeContract('redis sentinel', () =>
      storeOn({ sentinels: sentinel.sentinels, sentinelName: sentinel.name }),
    );

    test('after the master is killed the same client writes to the promoted replica, and the data is there', async () => {
      const { store, cleanup } = storeOn({ sentinels: sentinel.sentinels, sentinelName: sentinel.name });
      try {
        await store.set('before', 'kept');
        const old = await sentinel.killMaster();
        const promoted = await sentinel.failedOver(old);
        expect(promoted).not.toBe(old);
        // Commands fail fast while there is no master; the client finds the new one by itself.
        let wrote = false;
        for (let i = 0; i < 200 && !wrote; i++) {
          wrote = await store.set('after', 'written').catch(() => false);
          if (!wrote) await new Promise((r) => setTimeout(r, 100));
        }
        expect(wrote).toBe(true);
        expect(await store.get('before')).toBe('kept');
      } finally {
        await cleanup();
      }
    });
  },
);
