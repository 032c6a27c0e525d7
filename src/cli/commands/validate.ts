import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { loadPlanFrom, repoDirFrom } from '../options.js';

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
      const plan = await loadPlanFrom(io.cwd, planPath, repoDirFrom(io.cwd, flags.repo));
      io.stderr.write(
        `${planPath}: ok (${plan.phases.length} phase${plan.phases.length === 1 ? '' : 's'})\n`,
      );
      setExit(0);
    });
}
