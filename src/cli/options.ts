/** Option parsers shared by commands; they throw UsageError so bad flags exit 2 with a message. */
import { resolve } from 'node:path';
import { UsageError } from '../core/index.js';
import { loadPlan, readPlan } from '../plan/index.js';
import type { FindProgram, LoadPlanOptions, Plan, PlanParseResult } from '../plan/index.js';
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

/**
 * Loads the plan at `path`, checking its globs against the symlinks of the repository at
 * `repoDir`, and its agents' programs with `findProgram` when given.
 */
export function loadPlanFrom(
  cwd: string,
  path: string,
  repoDir = cwd,
  findProgram?: FindProgram,
): Promise<Plan> {
  return loadPlan(resolve(cwd, path), planOptions(path, repoDir, findProgram));
}

/** Like `loadPlanFrom`; agents' programs not found are warnings, for `validate`. */
export function readPlanFrom(
  cwd: string,
  path: string,
  repoDir: string,
  findProgram: FindProgram,
): Promise<PlanParseResult> {
  return readPlan(resolve(cwd, path), {
    ...planOptions(path, repoDir, findProgram),
    missingProgram: 'warning',
  });
}

function planOptions(path: string, repoDir: string, findProgram?: FindProgram): LoadPlanOptions {
  return {
    displayPath: path,
    repoSymlinks: (base) => readRepoSymlinks(repoDir, base),
    ...(findProgram && { findProgram }),
  };
}

export function repoDirFrom(cwd: string, repo: string | undefined): string {
  return resolve(cwd, repo ?? '.');
}
