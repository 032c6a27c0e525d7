import type { Command } from 'commander';
import { programFinder } from '../../agents/index.js';
import { resumeRun } from '../../run/index.js';
import { executorOptions } from '../executor-options.js';
import { addExecutionOptions, executionOptions, reportSummary } from '../execution-options.js';
import type { ExecutionFlags } from '../execution-options.js';
import type { CliIo } from '../io.js';

interface ResumeFlags extends ExecutionFlags {
  allowPlanMismatch?: boolean;
  resetState?: boolean;
}

export function registerResume(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('resume')
    .description('continue a stopped run: finished tasks are kept, the rest run again')
    .argument('<run>', 'run id or a unique prefix of it')
    .option(
      '--allow-plan-mismatch',
      'the plan file changed: keep the tasks that did not change, run the rest again',
    )
    .option('--reset-state', "rebuild an unreadable state file from the run's events and branches");
  addExecutionOptions(command, 'agents at once (default: as the run started)').action(
    async (runId: string, flags: ResumeFlags) => {
      const distributed = await executorOptions(io, flags);
      const { options, reporter } = executionOptions(io, flags);
      const summary = await resumeRun({
        ...options,
        ...distributed,
        // Agents on remote workers start from the workers' PATH, not this one.
        ...(!distributed.createExecutor && { findProgram: programFinder(io.env) }),
        runId,
        ...(flags.allowPlanMismatch && { allowPlanMismatch: true }),
        ...(flags.resetState && { resetState: true }),
      }).finally(() => reporter.close?.());
      reportSummary(io, reporter, summary, flags, setExit);
    },
  );
}
