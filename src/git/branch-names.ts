/**
 * Branch names of a run, all of the form `subplan/<run>/<task>`. Deeper names such as
 * `subplan/<run>/<phase>/<subplan>` cannot work: git stores refs as paths, so a branch
 * `…/api` forbids any branch `…/api/…`. Task ids are unique and already carry their phase
 * (`api`, `api.base`, `api.1.2`), so one level is enough. Ids are validated upstream: the plan
 * schema only accepts phase ids that make names git accepts, and the check here is the guard
 * that a later change to ids cannot quietly break.
 */
import { branchNameProblem } from '../core/index.js';

export function taskBranch(runId: string, taskId: string): string {
  return checkedBranch(`subplan/${runId}/${taskId}`);
}

/** The run's result: every sink phase merged in id order. */
export function resultBranch(runId: string): string {
  return checkedBranch(`subplan/${runId}/result`);
}

function checkedBranch(name: string): string {
  const problem = branchNameProblem(name);
  // Reaching this is a bug in id generation or validation, not a user's mistake.
  if (problem) throw new Error(`branch name ${JSON.stringify(name)} ${problem}`);
  return name;
}
