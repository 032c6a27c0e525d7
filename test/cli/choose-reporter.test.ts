import { describe, expect, it } from 'vitest';
import { chooseReporter } from '../../src/cli/choose-reporter.js';
import type { CliIo } from '../../src/cli/io.js';
import { JsonReporter, LineReporter, LiveReporter } from '../../src/report/index.js';
import { MemoryStream } from '../helpers/memory-stream.js';

const io = (terminal: boolean, env: Record<string, string> = {}): CliIo => ({
  argv: [],
  cwd: '/',
  env,
  stdout: new MemoryStream(),
  stderr: new MemoryStream(),
  stderrIsTerminal: terminal,
  ...(terminal && {
    terminal: { size: () => ({ columns: 80, rows: 24 }), onResize: () => () => undefined },
  }),
});

describe('chooseReporter', () => {
  it('shows the live view on a terminal unless a line mode or --json is asked for', () => {
    expect(chooseReporter(io(true), {})).toBeInstanceOf(LiveReporter);
    expect(chooseReporter(io(true), { output: 'live' })).toBeInstanceOf(LiveReporter);
    expect(chooseReporter(io(true), { output: 'stream' })).toBeInstanceOf(LineReporter);
    expect(chooseReporter(io(true), { output: 'grouped' })).toBeInstanceOf(LineReporter);
    expect(chooseReporter(io(true), { json: true })).toBeInstanceOf(JsonReporter);
  });

  it('prints lines where the cursor cannot move: pipes, files, dumb terminals', () => {
    expect(chooseReporter(io(false), {})).toBeInstanceOf(LineReporter);
    expect(chooseReporter(io(false), { output: 'live' })).toBeInstanceOf(LineReporter);
    expect(chooseReporter(io(true, { TERM: 'dumb' }), {})).toBeInstanceOf(LineReporter);
  });
});
