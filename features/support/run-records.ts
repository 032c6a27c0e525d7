/**
 * Reading what a scenario left on disk: the run's own record under `.subplan/runs/<run>/`, and
 * what the counted fixture agent (`test/fixtures/agents/counted.mjs`) wrote in the scratch
 * directory: one line per agent that really ran, and the pids of agents held at the gate.
 * Waiting is always polling a file until it says what the step needs, never a fixed sleep; the
 * deadlines only bound how long to keep looking before calling it a failure.
 */
import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RunState } from '../../src/state/index.js';

const POLL_MS = 25;

/** One run of the counted agent: which task it ran for, and its pid. */
export interface Invocation {
  readonly task: string;
  readonly pid: number;
}

/** Every agent the counted fixture recorded in `scratch`, in the order they started. */
export async function readInvocations(scratch: string): Promise<Invocation[]> {
  const text = await readFile(join(scratch, 'invocations'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [task = '', pid = ''] = line.trim().split(' ');
      return { task, pid: Number(pid) };
    });
}

/** Pids of the agents that were held at the gate, in the order they arrived. */
export async function readGatedPids(scratch: string): Promise<number[]> {
  const text = await readFile(join(scratch, 'gated.pid'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .map(Number)
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

/** Lets the gated agent of `task` finish: one waiting goes on, later ones do not stop at all. */
export async function releaseGate(scratch: string, task: string): Promise<void> {
  await writeFile(join(scratch, `release-${task}`), 'go\n');
}

/** The path of a run's state file. */
export function stateFileOf(repoDir: string, runId: string): string {
  return join(repoDir, '.subplan', 'runs', runId, 'state.json');
}

/** A run's `state.json` as it is on disk now; undefined when missing or not (yet) readable. */
export async function readStateFile(repoDir: string, runId: string): Promise<RunState | undefined> {
  try {
    return JSON.parse(await readFile(stateFileOf(repoDir, runId), 'utf8')) as RunState;
  } catch {
    return undefined;
  }
}

/** The states of the repository's runs that say they are running. */
export async function runningStates(repoDir: string): Promise<RunState[]> {
  const dir = join(repoDir, '.subplan', 'runs');
  const ids = existsSync(dir) ? await readdir(dir) : [];
  const states = await Promise.all(ids.map((id) => readStateFile(repoDir, id)));
  return states.filter((state): state is RunState => state?.status === 'running');
}

/**
 * Polls `probe` until it returns something other than undefined. On the deadline it fails with
 * `what` and the last thing `describe` says about the situation.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; describe?: () => Promise<string> },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) {
      const seen = options.describe ? `\n${await options.describe()}` : '';
      throw new Error(`gave up after ${options.timeoutMs} ms waiting until ${what}${seen}`);
    }
    await sleep(POLL_MS);
  }
}
