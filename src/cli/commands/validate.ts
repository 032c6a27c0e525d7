import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { programFinder } from '../../agents/index.js';
import { PlanError, formatDiagnostic } from '../../core/index.js';
import { readPlanFrom, repoDirFrom } from '../options.js';

export function registerValidate(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
): void {
  program
    .command('validate')
    .description('check a plan file; print every problem as file:line:col: message')
    .argument('<plan>', 'plan file (YAML)')
    .option(
      '--repo <dir>',
      'repository whose symlinks globs are checked against (default: current directory)',
    )
    .action(async (planPath: string, flags: { repo?: string }) => {
      const result = await readPlanFrom(
        io.cwd,
        planPath,
        repoDirFrom(io.cwd, flags.repo),
        programFinder(io.env),
      );
      if (!result.ok) throw new PlanError(result.diagnostics);
      const plan = result.plan;
      // The plan may run on another machine: a program missing here does not fail validation.
      for (const warning of result.warnings ?? [])
        io.stderr.write(
          `${formatDiagnostic({ ...warning, message: `warning: ${warning.message}` })}\n`,
        );
      io.stderr.write(
        `${planPath}: ok (${plan.phases.length} phase${plan.phases.length === 1 ? '' : 's'})\n`,
      );
      setExit(0);
    });
}
