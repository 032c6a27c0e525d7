/**
 * Cucumber configuration (ESM). Step definitions and support code are TypeScript, loaded
 * through tsx: importing `tsx/esm` first registers its ESM hooks in this process and in every
 * parallel worker, before any `.ts` file is imported. (Cucumber's `loader` option calls
 * `module.register`, which tsx refuses, so the import is the way on Node 20.)
 *
 * Two workers at most: scenarios start real agent processes and git, and the machine has two
 * cores. Retries stay at 0: a scenario that needs a retry is a bug, in subplan or in the test.
 */
import { fileURLToPath } from 'node:url';

export default {
  import: [
    fileURLToPath(import.meta.resolve('tsx/esm')),
    'features/support/**/*.ts',
    'step_definitions/**/*.ts',
  ],
  format: ['progress'],
  formatOptions: { snippetInterface: 'async-await' },
  parallel: 2,
  retry: 0,
  failFast: false,
  strict: true,
};
