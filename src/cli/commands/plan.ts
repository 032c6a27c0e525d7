import type { Command } from 'commander';
import { formatDuration } from '../../core/index.js';
import { formatSubplanTree } from '../../decompose/index.js';
import { planRun } from '../../run/index.js';
import type { CliIo } from '../io.js';
import { loadPlanFrom, parsePositiveInt, repoDirFrom } from '../options.js';

interface PlanFlags {
  repo?: string;
  maxParallel?: number;
  json?: boolean;
}

export function registerPlan(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('plan')
    .description(
      'dry run: the order tasks would start in, the critical path and the lower bound; changes nothing',
    )
    .argument('<plan>', 'plan file (YAML)')
    .option('--repo <dir>', 'repository to plan against (default: current directory)')
    .option(
      '--max-parallel <n>',
      'agents at once (overrides the plan)',
      parsePositiveInt('--max-parallel'),
    )
    .option('--json', 'print the preview as one JSON object on stdout')
    .action(async (planPath: string, flags: PlanFlags) => {
      const plan = await loadPlanFrom(io.cwd, planPath, repoDirFrom(io.cwd, flags.repo));
      const preview = await planRun({
        plan,
        repoDir: repoDirFrom(io.cwd, flags.repo),
        ...(flags.maxParallel !== undefined && { maxParallel: flags.maxParallel }),
      });
      if (flags.json) {
        io.stdout.write(`${JSON.stringify(preview)}\n`);
      } else {
        const lines = [
          `plan ${preview.plan}: ${preview.tasks.length} tasks, max_parallel ${preview.max_parallel}, base ${preview.base_commit.slice(0, 10)}`,
          '',
          'start     finish    task (weight)',
          ...preview.tasks.map(
            (t) =>
              `${formatDuration(t.start_ms).padEnd(9)} ${formatDuration(t.finish_ms).padEnd(9)} ${t.id}${t.kind === 'merge' ? ' [merge]' : ` (${formatDuration(t.weight_ms)}, ${t.weight_source})`}${t.depends_on.length ? ` after ${t.depends_on.join(', ')}` : ''}`,
          ),
          ...preview.trees.flatMap((tree) => [
            '',
            `subplans of ${tree.phase}:`,
            formatSubplanTree(tree.root),
          ]),
          ...preview.warnings.map((warning) => `warning: ${warning}`),
          '',
          `critical path: ${preview.critical_path.join(' -> ')} (${formatDuration(preview.critical_path_ms)})`,
          `lower bound:   ${formatDuration(preview.lower_bound_ms)} = max(critical path, work ${formatDuration(preview.work_ms)} / ${preview.max_parallel})`,
          `estimated makespan: ${formatDuration(preview.estimated_makespan_ms)}`,
        ];
        // The preview is what was asked for: stdout, like `decompose`'s tree, for a pager or a file.
        io.stdout.write(`${lines.join('\n')}\n`);
      }
      setExit(0);
    });
}
