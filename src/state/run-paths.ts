/** Where a run keeps its files, under the repository's `.subplan/` (excluded from git). */
import { join } from 'node:path';

export interface RunPaths {
  readonly stateDir: string;
  readonly runDir: string;
  readonly eventsFile: string;
  readonly stateFile: string;
  readonly logsDir: string;
  readonly filesDir: string;
  logFile(taskId: string): string;
}

export function runPaths(repoRoot: string, runId: string): RunPaths {
  const stateDir = join(repoRoot, '.subplan');
  const runDir = join(stateDir, 'runs', runId);
  return {
    stateDir,
    runDir,
    eventsFile: join(runDir, 'events.ndjson'),
    stateFile: join(runDir, 'state.json'),
    logsDir: join(runDir, 'logs'),
    filesDir: join(runDir, 'files'),
    logFile: (taskId) => join(runDir, 'logs', `${taskId}.log`),
  };
}
