/**
 * `subplan worker` processes standing in for machines: each runs the built CLI with its own
 * workdir. `kill(i)` is `kill -9` of one of them; dispose kills every worker still alive. Each
 * worker's stderr is kept, so a test can wait for a task to start on a given worker.
 *
 * Workers give up on a silent worker's jobs after 30 s by default (BullMQ's lock, renewed every
 * 15 s): a worker starved of CPU on a loaded machine keeps its jobs instead of seeing them run a
 * second time elsewhere, which would break tests that count starts or agents at once. Only a test
 * that kills a worker and waits for its jobs to be re-delivered passes a short `stallTimeoutMs`,
 * with workers of its own.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import type { ResultPromise } from 'execa';
import { PROJECT_ROOT } from './ensure-built.js';

export interface WorkerProcess {
  readonly pid: number;
  readonly workdir: string;
  /** What the worker printed so far. */
  stderr(): string;
  alive(): boolean;
}

export interface Workers extends AsyncDisposable {
  readonly list: readonly WorkerProcess[];
  /** `kill -9` of worker `index`. */
  kill(index: number): Promise<void>;
  /** The first worker that printed `text`, polling until `timeoutMs`. */
  waitFor(text: string, timeoutMs?: number): Promise<number>;
}

export async function startWorkers(options: {
  count: number;
  redis: string;
  concurrency: number;
  /** How long a silent worker keeps its jobs. @default 30000 */
  stallTimeoutMs?: number;
}): Promise<Workers> {
  const dir = await mkdtemp(join(tmpdir(), 'subplan-workers-'));
  const processes: { child: ResultPromise; output: string[]; exited: boolean }[] = [];
  for (let i = 0; i < options.count; i++) {
    const child = execa(
      process.execPath,
      [
        join(PROJECT_ROOT, 'bin', 'subplan.js'),
        'worker',
        '--redis',
        options.redis,
        '--concurrency',
        String(options.concurrency),
        '--workdir',
        join(dir, `w${i}`),
        '--stall-timeout',
        String(options.stallTimeoutMs ?? 30_000),
      ],
      { reject: false, stdin: 'ignore', stdout: 'ignore', cleanup: true },
    );
    const entry = { child, output: [] as string[], exited: false };
    child.stderr?.on('data', (chunk: Buffer) => entry.output.push(chunk.toString()));
    void child.then(() => (entry.exited = true));
    processes.push(entry);
  }
  const list = processes.map((entry, i) => ({
    pid: entry.child.pid ?? 0,
    workdir: join(dir, `w${i}`),
    stderr: () => entry.output.join(''),
    alive: () => !entry.exited,
  }));
  const waitFor = async (text: string, timeoutMs = 20_000): Promise<number> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = list.findIndex((worker) => worker.stderr().includes(text));
      if (found >= 0) return found;
      if (processes.every((entry) => entry.exited)) break;
      await sleep(20);
    }
    throw new Error(
      `no worker printed "${text}":\n${list.map((w, i) => `[w${i}] ${w.stderr()}`).join('\n')}`,
    );
  };
  for (let i = 0; i < list.length; i++) {
    const deadline = Date.now() + 20_000;
    while (!list[i]?.stderr().includes('ready')) {
      if (Date.now() > deadline || processes[i]?.exited)
        throw new Error(`worker ${i} did not start:\n${list[i]?.stderr() ?? ''}`);
      await sleep(20);
    }
  }
  return {
    list,
    waitFor,
    async kill(index) {
      const entry = processes[index];
      if (!entry) throw new Error(`no worker ${index}`);
      entry.child.kill('SIGKILL');
      await entry.child;
    },
    async [Symbol.asyncDispose]() {
      for (const entry of processes) entry.child.kill('SIGKILL');
      await Promise.all(processes.map((entry) => entry.child));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
