/**
 * Turns an agent definition into an argv template. Presets are argv templates like any command,
 * so they go through the same expansion, process handling and logs.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { unreachable } from '../core/index.js';
import type { AgentProgram } from '../plan/index.js';

/**
 * Runs a file of this package with the current Node. From sources (tests, tsx) the script is
 * TypeScript and needs the tsx loader, named by absolute path because agents run in worktrees
 * where `tsx` does not resolve.
 */
function nodeScript(relative: string): string[] {
  const fromSource = import.meta.url.endsWith('.ts');
  const path = fileURLToPath(new URL(`${relative}.${fromSource ? 'ts' : 'js'}`, import.meta.url));
  if (!fromSource) return [process.execPath, path];
  const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return [process.execPath, '--import', loader, path];
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
