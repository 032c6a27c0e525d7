/**
 * The machines of a distributed scenario, on one host: a private redis-server on a unix socket,
 * a bare repository as the shared git remote, and `subplan worker` processes. One cluster per
 * scenario, killed in an After hook whatever happened, so no worker or server outlives it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { After } from '@cucumber/cucumber';
import { execa } from 'execa';
import { startRedis } from '../../test/helpers/redis-server.js';
import type { RedisServer } from '../../test/helpers/redis-server.js';
import { startWorkers } from '../../test/helpers/workers.js';
import type { Workers } from '../../test/helpers/workers.js';
import type { RunRecord, SubplanWorld } from './world.js';

export interface Cluster {
  readonly redis: RedisServer;
  readonly workers: Workers;
  readonly remote: string;
  /** A run started in this process and not awaited yet. */
  running: Promise<RunRecord> | undefined;
}

const clusters = new WeakMap<SubplanWorld, Cluster & { dir: string }>();

export async function startCluster(
  world: SubplanWorld,
  options: {
    workers: number;
    concurrency: number;
    /** How long a silent worker keeps its tasks (see test/helpers/workers.ts). @default 30000 */
    stallTimeoutMs?: number;
  },
): Promise<Cluster> {
  if (clusters.has(world)) throw new Error('this scenario already has workers');
  const dir = await mkdtemp(join(tmpdir(), 'subplan-bdd-remote-'));
  const remote = join(dir, 'shared.git');
  await execa('git', ['init', '--quiet', '--bare', remote]);
  const redis = await startRedis();
  try {
    const workers = await startWorkers({
      count: options.workers,
      redis: redis.socketPath,
      concurrency: options.concurrency,
      ...(options.stallTimeoutMs !== undefined && { stallTimeoutMs: options.stallTimeoutMs }),
    });
    const cluster = { redis, workers, remote, dir, running: undefined };
    clusters.set(world, cluster);
    return cluster;
  } catch (error) {
    await redis[Symbol.asyncDispose]();
    throw error;
  }
}

export function clusterOf(world: SubplanWorld): Cluster {
  const cluster = clusters.get(world);
  if (!cluster) throw new Error('this scenario has no workers (missing "Given ... workers"?)');
  return cluster;
}

/** The flags that send a run's agents to the cluster's workers. */
export function clusterFlags(cluster: Cluster): string[] {
  return ['--executor', 'bullmq', '--redis', cluster.redis.socketPath, '--remote', cluster.remote];
}

After(async function (this: SubplanWorld) {
  const cluster = clusters.get(this);
  if (!cluster) return;
  clusters.delete(this);
  await cluster.workers[Symbol.asyncDispose]();
  await cluster.redis[Symbol.asyncDispose]();
  await rm(cluster.dir, { recursive: true, force: true });
});
