// Loads the TypeScript worker when subplan runs from its sources (vitest, tsx); built packages
// load worker.bundle.js. `--import tsx` in a worker's execArgv is not enough on Node 20: the
// hooks are not in place in time for larger import graphs, so the loader is registered here.
import { register } from 'tsx/esm/api';

register();
const { default: runWorkerTask } = await import('./worker.ts');
export default runWorkerTask;
