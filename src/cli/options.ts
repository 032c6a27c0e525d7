/** Option parsers shared by commands; they throw UsageError so bad flags exit 2 with a message. */
import { resolve } from 'node:path';
import { UsageError } from '../core/index.js';
import { loadPlan } from '../plan/index.js';
import type { Plan } from '../plan/index.js';
import { readRepoSymlinks } from './repo-symlinks.js';

export function parsePositiveInt(flag: string): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
      throw new UsageError(`expected ${flag} to be an integer ≥ 1, got \`${text}\``);
    }
    return value;
  };
}

/** Loads the plan at `path`, checking its globs against the symlinks of the repository at `repoDir`. */
export function loadPlanFrom(cwd: string, path: string, repoDir = cwd): Promise<Plan> {
  return loadPlan(resolve(cwd, path), {
    displayPath: path,
    repoSymlinks: (base) => readRepoSymlinks(repoDir, base),
  });
}

export function repoDirFrom(cwd: string, repo: string | undefined): string {
  return resolve(cwd, repo ?? '.');
}
