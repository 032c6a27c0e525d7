import type { Command } from 'commander';
import { planJsonSchema } from '../../plan/index.js';
import type { CliIo } from '../io.js';

export function registerSchema(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('schema')
    .description('print the JSON Schema of plan files (for editor completion)')
    .action(() => {
      io.stdout.write(`${JSON.stringify(planJsonSchema(), null, 2)}\n`);
      setExit(0);
    });
}
