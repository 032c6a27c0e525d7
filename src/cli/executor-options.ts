/**
 * `--executor bullmq --redis URL --remote GIT_URL` for run and resume: checked before anything of
 * the run is created (Redis answers, the remote exists), so a wrong address exits 2 with nothing
 * half-written, and turned into the factory the run uses once it knows `max_parallel`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { execa } from 'execa';
import { UsageError } from '../core/index.js';
import type { RunPlanOptions } from '../run/index.js';
import type { CliIo } from './io.js';

export interface ExecutorFlags {
  executor?: string;
  redis?: string;
  remote?: string;
}

export function addExecutorOptions(command: Command): Command {
  return command
    .option('--executor <kind>', 'where agents run: local (this machine) or bullmq (workers)')
    .option('--redis <url>', 'with --executor bullmq: redis://host:port, unix:///path or a socket')
    .option('--remote <git-url>', 'with --executor bullmq: the git remote every worker can reach');
}

export async function executorOptions(
  io: CliIo,
  flags: ExecutorFlags,
): Promise<Pick<RunPlanOptions, 'createExecutor'>> {
  const kind = flags.executor ?? 'local';
  if (kind === 'local') {
    if (flags.redis !== undefined || flags.remote !== undefined)
      throw new UsageError('--redis and --remote need --executor bullmq');
    return {};
  }
  if (kind !== 'bullmq')
    throw new UsageError(`expected --executor to be local or bullmq, got \`${kind}\``);
  if (flags.redis === undefined || flags.remote === undefined)
    throw new UsageError('--executor bullmq needs --redis URL and --remote GIT_URL');
  // Loaded only here: BullMQ takes a quarter of a second to import, which every other command
  // would pay at start-up.
  const { BullmqExecutor, checkRedis, parseRedisTarget } = await import('../distributed/index.js');
  const redis = parseRedisTarget(flags.redis);
  const local = resolve(io.cwd, flags.remote);
  // A path is made absolute: git resolves it from the repository, workers from their own cwd.
  const remote = existsSync(local) ? local : flags.remote;
  await checkRedis(redis);
  const probe = await execa('git', ['ls-remote', '--quiet', remote, 'HEAD'], {
    cwd: io.cwd,
    reject: false,
  });
  if (probe.exitCode !== 0)
    throw new UsageError(`cannot reach the git remote ${remote}: ${probe.stderr.trim()}`);
  return {
    createExecutor: ({ maxParallel }) =>
      new BullmqExecutor({
        redis,
        remote,
        maxParallel,
        onDuplicate: ({ jobId, host }) =>
          io.stderr.write(`subplan: ignored a second result for job ${jobId} (from ${host})\n`),
      }),
  };
}
