import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { writeRunReport } from '../../report/index.js';
import type { CliIo } from '../io.js';
import { repoDirFrom } from '../options.js';

export function registerReport(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('report')
    .description(
      'write a run (the latest by default) as one self-contained HTML file: a timeline of worker slots, agents running over time, the critical path and a sortable task table; --trace writes Chrome Trace Event JSON for Perfetto',
    )
    .argument('[run]', 'run id or a unique prefix of it')
    .option('--repo <dir>', 'repository (default: current directory)')
    .option('--out <file>', 'HTML file to write (default: .subplan/runs/<run>/report.html)')
    .option('--trace <file>', 'also (or, without --out, only) write the run as a Chrome trace')
    .action(
      async (run: string | undefined, flags: { repo?: string; out?: string; trace?: string }) => {
        const written = await writeRunReport({
          repoDir: repoDirFrom(io.cwd, flags.repo),
          ...(run !== undefined && { runId: run }),
          ...(flags.out !== undefined && { htmlFile: resolve(io.cwd, flags.out) }),
          ...(flags.trace !== undefined && { traceFile: resolve(io.cwd, flags.trace) }),
        });
        // The paths go to stdout, one a line, so a script can open what was written.
        if (written.htmlFile) io.stdout.write(`${written.htmlFile}\n`);
        if (written.traceFile) io.stdout.write(`${written.traceFile}\n`);
        if (written.htmlFile) {
          io.stderr.write(
            `subplan: run ${written.runId}: open ${pathToFileURL(written.htmlFile).href} in a browser\n`,
          );
        }
        setExit(0);
      },
    );
}
