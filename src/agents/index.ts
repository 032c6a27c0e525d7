export { expandArgv, TEMPLATE_FIELDS } from './expand-argv.js';
export type { TemplateValues } from './expand-argv.js';
export { killTree, isGroupAlive, signalGroup, DEFAULT_KILL_GRACE_MS } from './kill-tree.js';
export { runAgent } from './run-agent.js';
export type { AgentExit, RunAgentOptions } from './run-agent.js';
export { agentArgvTemplate } from './presets.js';
export { agentEnv } from './agent-env.js';
