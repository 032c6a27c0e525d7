export { runPlan, describeOutcome } from './run-plan.js';
export type { RunPlanOptions } from './run-plan.js';
export { buildTaskGraph, phaseWeights, baseTaskId, RESULT_TASK } from './build-task-graph.js';
export { peakFromIntervals } from './peak-from-intervals.js';
export { SUMMARY_SCHEMA_VERSION } from './run-summary.js';
export type { RunSummary, TaskSummary } from './run-summary.js';
export { planRun } from './plan-run.js';
export type { PlanPreview } from './plan-run.js';
