/**
 * The process boundary: the only file that touches `process`. It turns signals into an
 * AbortSignal (a second Ctrl-C exits at once), hands argv/env/streams to `runCli`, and sets the
 * exit code.
 */
import { runCli } from './run-cli.js';

export function main(): void {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    process.stderr.write(`\nsubplan: ${signal}: stopping agents (again to exit at once)\n`);
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  runCli({
    argv: process.argv.slice(2),
    cwd: process.cwd(),
    env: process.env,
    stdout: { write: (text) => void process.stdout.write(text) },
    stderr: { write: (text) => void process.stderr.write(text) },
    stderrIsTerminal: process.stderr.isTTY,
    signal: controller.signal,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`subplan: internal error: ${String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
