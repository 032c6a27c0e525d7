// Counts git processes per step from git's own trace2 log. Counts locate a regression better
// than times on a shared machine, and they turn "n git calls" into a floor: n × one git spawn.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Runs `pass` once with git tracing on and returns, for each step it marks, the git processes
 * it started itself (`spawned`) and all git processes including git's own children (`total`,
 * e.g. the `reset --hard` inside `worktree add`). trace2 targets are read only from global
 * config, so HOME points at a scratch config during the pass; run nothing else meanwhile.
 * @param {string} scratchDir an empty directory to create and remove
 * @param {(mark: (step: string) => Promise<void>) => Promise<unknown>} pass
 * @returns {Promise<Record<string, { spawned: number, total: number }>>}
 */
export async function countGitProcesses(scratchDir, pass) {
  const trace = join(scratchDir, 'trace.log');
  await mkdir(scratchDir, { recursive: true });
  await writeFile(join(scratchDir, '.gitconfig'), `[trace2]\n\tnormalTarget = ${trace}\n`);
  const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };
  process.env.HOME = scratchDir;
  delete process.env.XDG_CONFIG_HOME;
  // `cmd_name worktree (worktree)` is a process we started; `cmd_name reset (worktree/reset)`
  // is one git started on its own.
  const read = async () => {
    const names = (await readFile(trace, 'utf8').catch(() => ''))
      .split('\n')
      .filter((line) => / cmd_name /.test(line));
    return { spawned: names.filter((l) => !/\(.*\/.*\)/.test(l)).length, total: names.length };
  };
  /** @type {Record<string, { spawned: number, total: number }>} */
  const counts = {};
  try {
    let before = await read();
    await pass(async (step) => {
      const now = await read();
      counts[step] = { spawned: now.spawned - before.spawned, total: now.total - before.total };
      before = now;
    });
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    await rm(scratchDir, { recursive: true, force: true });
  }
  return counts;
}

/**
 * Processes of several steps together.
 * @param {Record<string, { spawned: number, total: number }>} counts
 */
export function sumProcesses(counts) {
  const all = Object.values(counts);
  return {
    spawned: all.reduce((n, c) => n + c.spawned, 0),
    total: all.reduce((n, c) => n + c.total, 0),
  };
}
