import type { Command } from 'commander';
import { programFinder } from '../../agents/index.js';
import { runPlan } from '../../run/index.js';
import { executorOptions } from '../executor-options.js';
import { addExecutionOptions, executionOptions, reportSummary } from '../execution-options.js';
import type { ExecutionFlags } from '../execution-options.js';
import type { CliIo } from '../io.js';
import { loadPlanFrom, repoDirFrom } from '../options.js';

export function registerRun(program: Command, io: CliIo, setExit: (code: number) => void): void {
  const command = program
    .command('run')
    .description('run a plan: agents in parallel worktrees, branches merged as phases finish')
    .argument('<plan>', 'plan file (YAML)');
  addExecutionOptions(command, 'agents at once (overrides the plan)').action(
    async (planPath: string, flags: ExecutionFlags) => {
      // Agents on remote workers start from the workers' PATH, not this one.
      const plan = await loadPlanFrom(
        io.cwd,
        planPath,
        repoDirFrom(io.cwd, flags.repo),
        (flags.executor ?? 'local') === 'local' ? programFinder(io.env) : undefined,
      );
      const distributed = await executorOptions(io, flags);
      const { options, reporter } = executionOptions(io, flags);
      const summary = await runPlan({ ...options, ...distributed, plan }).finally(() =>
        reporter.close?.(),
      );
      reportSummary(io, reporter, summary, flags, setExit);
    },
  );
}
