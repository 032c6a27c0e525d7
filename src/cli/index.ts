export { runCli, VERSION } from './run-cli.js';
export type { CliIo } from './io.js';
export {
  exitCodeFor,
  EXIT_OK,
  EXIT_TASK_FAILED,
  EXIT_BAD_INPUT,
  EXIT_CONFLICT,
  EXIT_INTERRUPTED,
} from './exit-codes.js';
