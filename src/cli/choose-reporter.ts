/**
 * The reporter for `run` and `resume`: NDJSON with --json; on a terminal, the live view unless an
 * `--output` line mode is asked for; else whole lines on stderr.
 */
import { UsageError } from '../core/index.js';
import {
  JsonReporter,
  LineReporter,
  LiveReporter,
  OUTPUT_MODES,
  wantsColor,
} from '../report/index.js';
import type { OutputMode, Reporter } from '../report/index.js';
import { readDurationHistory, runPaths } from '../state/index.js';
import type { CliIo } from './io.js';

/** `live` redraws in place, so it needs a terminal; elsewhere it falls back to `stream`. */
export const OUTPUT_CHOICES: readonly string[] = ['live', ...OUTPUT_MODES];

export function chooseReporter(io: CliIo, flags: { json?: boolean; output?: string }): Reporter {
  if (flags.json) return new JsonReporter({ out: io.stdout });
  const output = flags.output ?? 'live';
  if (output !== 'live' && !isOutputMode(output)) {
    throw new UsageError(
      `expected --output to be one of ${OUTPUT_CHOICES.join(', ')}, got \`${output}\``,
    );
  }
  const color = wantsColor(io.env, io.stderrIsTerminal === true);
  // A dumb terminal cannot move its cursor: it gets lines, like a pipe.
  if (output === 'live' && io.stderrIsTerminal && io.terminal && io.env['TERM'] !== 'dumb') {
    return new LiveReporter({
      out: io.stderr,
      terminal: io.terminal,
      color,
      ...(io.signal && { signal: io.signal }),
      expectedDurations: (run) =>
        readDurationHistory(runPaths(run.repo, run.run_id).stateDir, run.plan),
    });
  }
  return new LineReporter({ out: io.stderr, output: output === 'live' ? 'stream' : output, color });
}

function isOutputMode(mode: string): mode is OutputMode {
  return (OUTPUT_MODES as readonly string[]).includes(mode);
}
