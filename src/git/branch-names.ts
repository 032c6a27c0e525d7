/**
 * Branch names of a run, all of the form `subplan/<run>/<task>`. Deeper names such as
 * `subplan/<run>/<phase>/<subplan>` cannot work: git stores refs as paths, so a branch
 * `…/api` forbids any branch `…/api/…`. Task ids are unique and already carry their phase
 * (`api`, `api.base`, `api.1.2`), so one level is enough. Ids are validated upstream.
 */

export function taskBranch(runId: string, taskId: string): string {
  return `subplan/${runId}/${taskId}`;
}

/** The run's result: every sink phase merged in id order. */
export function resultBranch(runId: string): string {
  return `subplan/${runId}/result`;
}
