/**
 * Real Redis topologies for a test, each server on free loopback ports with its own dir:
 * - `startRedisCluster`: 3 masters, the 16384 slots split between them (what
 *   `redis-cli --cluster create` does: ADDSLOTSRANGE + CLUSTER MEET), ready when every node says
 *   `cluster_state:ok`.
 * - `startRedisSentinel`: a master, one replica and three sentinels (quorum 2) watching it, with a
 *   1 s down-after so a killed master fails over in a few seconds.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Daemon, freePort, freePorts, tempDir, until } from './daemon.js';

/** One short-lived admin connection that never retries. */
export async function redisAdmin<T>(port: number, fn: (c: Redis) => Promise<T>): Promise<T> {
  const c = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 1000,
  });
  c.on('error', () => undefined);
  try {
    await c.connect();
    return await fn(c);
  } finally {
    c.disconnect();
  }
}

const EPHEMERAL = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];

async function redisServer(binary: string, name: string, port: number, dir: string, args: string[]) {
  const daemon = await Daemon.spawn(name, binary, [
    '--port',
    String(port),
    ...EPHEMERAL,
    '--dir',
    dir,
    ...args,
  ]);
  await daemon.ready('answering PING', () => redisAdmin(port, async (c) => (await c.ping()) === 'PONG'));
  return daemon;
}

export interface RunningCluster {
  /** `host:port` of every master: REDIS_CLUSTER_NODES. */
  nodes: string[];
  stop(): Promise<void>;
}

export async function startRedisCluster(binary: string): Promise<RunningCluster> {
  const dir = await tempDir('redis-cluster');
  const ports = await freePorts(6); // three client ports, three cluster-bus ports
  const nodes = [0, 1, 2].map((i) => ({ port: ports[i]!, bus: ports[i + 3]! }));
  const daemons: Daemon[] = [];
  const stop = async () => {
    await Promise.all(daemons.map((d) => d.stop()));
    await dir.cleanup();
  };
  try {
    for (const [i, n] of nodes.entries()) {
      daemons.push(
        await redisServer(binary, `redis-cluster-${i}`, n.port, dir.path, [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir.path, `nodes-${n.port}.conf`),
          '--cluster-port',
          String(n.bus),
          '--cluster-node-timeout',
          '2000',
        ]),
      );
    }
    const ranges: [number, number][] = [
      [0, 5460],
      [5461, 10922],
      [10923, 16383],
    ];
    for (const [i, n] of nodes.entries())
      await redisAdmin(n.port, (c) => c.call('CLUSTER', 'ADDSLOTSRANGE', ranges[i]![0], ranges[i]![1]));
    for (const n of nodes.slice(1))
      await redisAdmin(nodes[0]!.port, (c) => c.call('CLUSTER', 'MEET', '127.0.0.1', n.port, n.bus));
    await until(
      'every cluster node to report cluster_state:ok with 3 known nodes',
      async () => {
        const infos = await Promise.all(nodes.map((n) => redisAdmin(n.port, (c) => c.cluster('INFO'))));
        return infos.every((t) => /cluster_state:ok/.test(t) && /cluster_known_nodes:3/.test(t));
      },
      30_000,
      100,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes: nodes.map((n) => `127.0.0.1:${n.port}`), stop };
}

export interface RunningSentinel {
  /** `host:port` of every sentinel: REDIS_SENTINELS. */
  sentinels: string[];
  /** The monitored master's name: REDIS_SENTINEL_NAME. */
  name: string;
  /** Port of the current master as the sentinels report it. */
  masterPort(): Promise<number>;
  /** SIGKILLs the current master; resolves with its port. */
  killMaster(): Promise<number>;
  /** Resolves once the sentinels name a master other than `oldPort` and it accepts writes. */
  failedOver(oldPort: number): Promise<number>;
  stop(): Promise<void>;
}

const MASTER_NAME = 'rollbotmaster';

async function startSentinel(
  sentinel: string,
  port: number,
  masterPort: number,
  dir: string,
  downAfterMs: number | undefined,
): Promise<Daemon> {
  // Sentinel rewrites its config file (it records the topology), so each gets its own.
  const file = join(dir, `sentinel-${port}.conf`);
  await writeFile(
    file,
    [
      `port ${port}`,
      'bind 127.0.0.1',
      `dir ${dir}`,
      `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${masterPort} 2`,
      `sentinel down-after-milliseconds ${MASTER_NAME} ${downAfterMs ?? 1000}`,
      `sentinel failover-timeout ${MASTER_NAME} 10000`,
      `sentinel parallel-syncs ${MASTER_NAME} 1`,
      '',
    ].join('\n'),
  );
  const d = await Daemon.spawn(`redis-sentinel-${port}`, sentinel, [file]);
  await d.ready('watching the master', () =>
    redisAdmin(port, async (c) => {
      const addr = (await c.call('SENTINEL', 'get-master-addr-by-name', MASTER_NAME)) as string[] | null;
      return Number(addr?.[1]) === masterPort;
    }),
  );
  return d;
}

export async function startRedisSentinel(
  server: string,
  sentinel: string,
  opts: { downAfterMs?: number } = {},
): Promise<RunningSentinel> {
  const dir = await tempDir('redis-sentinel');
  const [masterPort, replicaPort, ...sentinelPorts] = await freePorts(5);
  const byPort = new Map<number, Daemon>();
  const all: Daemon[] = [];
  const stop = async () => {
    await Promise.all(all.map((d) => d.stop()));
    await dir.cleanup();
  };
  try {
    const master = await redisServer(server, 'redis-master', masterPort!, dir.path, []);
    const replica = await redisServer(server, 'redis-replica', replicaPort!, dir.path, [
      '--replicaof',
      '127.0.0.1',
      String(masterPort),
    ]);
    all.push(master, replica);
    byPort.set(masterPort!, master).set(replicaPort!, replica);
    await until(
      'the replica to be in sync',
      () => redisAdmin(replicaPort!, async (c) => /master_link_status:up/.test(await c.info('replication'))),
      30_000,
      100,
    );
    for (let k = 0; k < sentinelPorts.length; k++) {
      // A port found free seconds ago may since have gone to someone's outgoing connection (the
      // ephemeral range is shared, and other suites run beside this one): then take another.
      for (let attempt = 1; ; attempt++) {
        try {
          all.push(await startSentinel(sentinel, sentinelPorts[k]!, masterPort!, dir.path, opts.downAfterMs));
          break;
        } catch (err) {
          if (attempt >= 3 || !/Address already in use/.test((err as Error).message)) throw err;
          sentinelPorts[k] = await freePort();
        }
      }
    }
    // Every sentinel must know the others before a failover can get a quorum.
    await until(
      'the sentinels to discover each other',
      () =>
        Promise.all(
          sentinelPorts.map((p) =>
            redisAdmin(
              p,
              async (c) => ((await c.call('SENTINEL', 'sentinels', MASTER_NAME)) as unknown[]).length === 2,
            ),
          ),
        ).then((all) => all.every(Boolean)),
      30_000,
      100,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  const masterPortNow = async () => {
    for (const p of sentinelPorts) {
      const addr = await redisAdmin(p, (c) =>
        c.call('SENTINEL', 'get-master-addr-by-name', MASTER_NAME),
      ).catch(() => null);
      if (Array.isArray(addr)) return Number(addr[1]);
    }
    throw new Error('no sentinel answered get-master-addr-by-name');
  };
  return {
    sentinels: sentinelPorts.map((p) => `127.0.0.1:${p}`),
    name: MASTER_NAME,
    masterPort: masterPortNow,
    killMaster: async () => {
      const port = await masterPortNow();
      await byPort.get(port)!.kill();
      return port;
    },
    failedOver: (oldPort) =>
      until(
        'the sentinels to promote the replica',
        async () => {
          const port = await masterPortNow();
          if (port === oldPort) return 0;
          const role = await redisAdmin(port, (c) => c.info('replication'));
          return /role:master/.test(role) ? port : 0;
        },
        60_000,
        100,
      ),
    stop,
  };
}
