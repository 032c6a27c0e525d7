import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { parsePositiveInt } from '../options.js';

interface WorkerFlags {
  redis: string;
  concurrency: number;
  workdir?: string;
  stallTimeout?: number;
}

export function registerWorker(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('worker')
    .description('run agent tasks for coordinators started with --executor bullmq')
    .requiredOption('--redis <url>', 'redis://host:port, unix:///path or a socket path')
    .option(
      '--concurrency <n>',
      'agent tasks at once on this worker',
      parsePositiveInt('--concurrency'),
      4,
    )
    .option('--workdir <dir>', "this worker's own directory (default: .subplan-worker)")
    .option(
      '--stall-timeout <ms>',
      'a worker silent this long loses its jobs to others',
      parsePositiveInt('--stall-timeout'),
    )
    .action(async (flags: WorkerFlags) => {
      // Loaded only for this command: BullMQ is slow to import (see executor-options.ts).
      const { parseRedisTarget, runWorker } = await import('../../distributed/index.js');
      await runWorker({
        redis: parseRedisTarget(flags.redis),
        workdir: resolve(io.cwd, flags.workdir ?? '.subplan-worker'),
        concurrency: flags.concurrency,
        env: io.env,
        ...(flags.stallTimeout !== undefined && { stallTimeoutMs: flags.stallTimeout }),
        ...(io.signal && { signal: io.signal }),
        onLine: (line) => io.stderr.write(`subplan worker: ${line}\n`),
        onReady: () => io.stderr.write('subplan worker: ready\n'),
      });
      setExit(0);
    });
}
