/** The reporter for `run` and `resume`: NDJSON with --json, else lines on stderr. */
import { UsageError } from '../core/index.js';
import { JsonReporter, LineReporter, OUTPUT_MODES, wantsColor } from '../report/index.js';
import type { OutputMode, Reporter } from '../report/index.js';
import type { CliIo } from './io.js';

export function chooseReporter(io: CliIo, flags: { json?: boolean; output?: string }): Reporter {
  if (flags.json) return new JsonReporter({ out: io.stdout });
  const output = flags.output ?? 'stream';
  if (!isOutputMode(output)) {
    throw new UsageError(
      `expected --output to be one of ${OUTPUT_MODES.join(', ')}, got \`${output}\``,
    );
  }
  return new LineReporter({
    out: io.stderr,
    output,
    color: wantsColor(io.env, io.stderrIsTerminal === true),
  });
}

function isOutputMode(mode: string): mode is OutputMode {
  return (OUTPUT_MODES as readonly string[]).includes(mode);
}
