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
    if (interrupts > 1) {
      // The live view hides the cursor until the run ends; an exit at once must give it back.
      if (process.stderr.isTTY) process.stderr.write('\u001B[?25h');
      process.exit(130);
    }
    // Abort first: the live view erases itself, and the message lands where it was.
    controller.abort(signal);
    process.stderr.write(`\nsubplan: ${signal}: stopping agents (again to exit at once)\n`);
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
    terminal: {
      // Asked of the terminal at each redraw, not cached until SIGWINCH is handled.
      size: () => {
        const [columns, rows] = process.stderr.isTTY ? process.stderr.getWindowSize() : [80, 24];
        return { columns, rows };
      },
      onResize: (listener) => {
        process.stderr.on('resize', listener);
        return () => process.stderr.off('resize', listener);
      },
    },
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
