/**
 * Turns an agent definition into an argv template. Presets are argv templates like any command,
 * so they go through the same expansion, process handling and logs.
 */
import { fileURLToPath } from 'node:url';
import { unreachable } from '../core/index.js';
import type { AgentProgram } from '../plan/index.js';

/** Runs a file of this package with the current Node, also from sources under the tsx loader. */
function nodeScript(relative: string): string[] {
  const fromSource = import.meta.url.endsWith('.ts');
  const path = fileURLToPath(new URL(`${relative}.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  return [process.execPath, ...(fromSource ? ['--import', 'tsx'] : []), path];
}

export function agentArgvTemplate(program: AgentProgram): readonly string[] {
  switch (program.kind) {
    case 'command':
      return program.argv;
    case 'preset':
      return [
        ...nodeScript('./builtin/demo-agent'),
        '--task',
        '{subplan}',
        '--phase',
        '{phase}',
        '--prompt',
        '{prompt}',
        '--files-file',
        '{files_file}',
      ];
    default:
      return unreachable(program);
  }
}

