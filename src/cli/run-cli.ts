/**
 * `runCli(io)` → exit code. Parses argv with commander, runs the command, and maps errors:
 * a `SubplanError` prints its message and exits with its code; anything else is a bug, printed
 * as "internal error" (with the stack only under --debug or DEBUG=subplan).
 */
import { Command, CommanderError } from 'commander';
import { PlanError, SubplanError, formatDiagnostic } from '../core/index.js';
import { registerClean } from './commands/clean.js';
import { registerDecompose } from './commands/decompose.js';
import { registerList } from './commands/list.js';
import { registerLogs } from './commands/logs.js';
import { registerPlan } from './commands/plan.js';
import { registerReport } from './commands/report.js';
import { registerResume } from './commands/resume.js';
import { registerRun } from './commands/run.js';
import { registerSchema } from './commands/schema.js';
import { registerStatus } from './commands/status.js';
import { registerValidate } from './commands/validate.js';
import { registerWorker } from './commands/worker.js';
import { EXIT_BAD_INPUT, EXIT_TASK_FAILED } from './exit-codes.js';
import type { CliIo } from './io.js';

export const VERSION = '0.1.0';

export async function runCli(io: CliIo): Promise<number> {
  let exitCode = 0;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command('subplan')
    .description('Run a change plan with many coding agents at once, safely.')
    .version(VERSION)
    .option('--debug', 'print stack traces of internal errors')
    .exitOverride()
    .showHelpAfterError('(run subplan --help for usage)')
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });
  registerRun(program, io, setExit);
  registerResume(program, io, setExit);
  registerPlan(program, io, setExit);
  registerDecompose(program, io, setExit);
  registerStatus(program, io, setExit);
  registerList(program, io, setExit);
  registerClean(program, io, setExit);
  registerLogs(program, io, setExit);
  registerReport(program, io, setExit);
  registerValidate(program, io, setExit);
  registerSchema(program, io, setExit);
  registerWorker(program, io, setExit);
  for (const command of program.commands) command.exitOverride();

  try {
    await program.parseAsync([...io.argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; everything else commander rejects is a usage mistake.
      return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    if (error instanceof PlanError) {
      io.stderr.write(`${error.diagnostics.map(formatDiagnostic).join('\n')}\n`);
      return error.exitCode;
    }
    if (error instanceof SubplanError) {
      io.stderr.write(`subplan: ${error.message}\n`);
      return error.exitCode;
    }
    const debug =
      io.argv.includes('--debug') || (io.env['DEBUG'] ?? '').split(',').includes('subplan');
    const detail =
      error instanceof Error
        ? debug
          ? (error.stack ?? error.message)
          : error.message
        : String(error);
    io.stderr.write(
      `subplan: internal error: ${detail}\n${debug ? '' : '(run with --debug for the stack trace, and please report it)\n'}`,
    );
    return EXIT_TASK_FAILED;
  }
}
