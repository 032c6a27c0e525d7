/**
 * Per-scenario set-up and tear-down, and the unchecked-error guard: a scenario whose subplan run
 * exited non-zero, or printed "internal error", fails unless a step looked at the exit code.
 * Without it, a scenario asserting only on, say, files could pass on a run that broke halfway.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { After, Before, Status, setDefaultTimeout } from '@cucumber/cucumber';
import { startedBefore } from '../../test/helpers/processes.js';
import { killQuietly } from './world.js';
import type { SubplanWorld } from './world.js';

// Real agents, real git: a loaded 2-core machine can take a while. This is a safety net
// against hangs, never a claim about speed (no scenario asserts on elapsed time).
setDefaultTimeout(150_000);

Before({ tags: '@spawn' }, function (this: SubplanWorld) {
  this.spawnMode = true;
});

After(async function (this: SubplanWorld, { result }) {
  try {
    if (result?.status === Status.PASSED) checkEveryRunWasChecked(this);
  } finally {
    await killLeftoverAgents(this);
    await this.dispose();
  }
});

function checkEveryRunWasChecked(world: SubplanWorld): void {
  for (const run of world.runs) {
    const command = `subplan ${run.args.join(' ')}`;
    if (run.stderr.includes('internal error')) {
      throw new Error(`\`${command}\` reported an internal error:\n${run.stderr}`);
    }
    if (run.exitCode !== 0 && !run.exitChecked) {
      throw new Error(
        `\`${command}\` exited with code ${run.exitCode} and no step checked the exit code:\n${run.stderr}`,
      );
    }
  }
}

/**
 * Agents that record their pid in the scratch directory are killed if still alive, so one
 * failing scenario cannot leave processes behind for the next. Steps assert on orphans
 * explicitly; this is only clean-up.
 */
async function killLeftoverAgents(world: SubplanWorld): Promise<void> {
  let scratch: string;
  try {
    scratch = world.scratch;
  } catch {
    return;
  }
  const entries = await readdir(scratch).catch(() => []);
  for (const entry of entries.filter((name) => name.endsWith('.pid'))) {
    const file = join(scratch, entry);
    const text = await readFile(file, 'utf8').catch(() => '');
    const written = (await stat(file).catch(() => undefined))?.mtimeMs ?? 0;
    for (const pid of text
      .split('\n')
      .map(Number)
      .filter((n) => Number.isInteger(n) && n > 0))
      if (startedBefore(pid, written)) killQuietly(pid, 'SIGKILL');
  }
}
