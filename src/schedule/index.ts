export { TaskGraph } from './task-graph.js';
export type { TaskNode, AgentTaskNode, MergeTaskNode } from './task-graph.js';
export { ReadyQueue } from './ready-queue.js';
export { remainingPathWeights, scheduleBounds } from './critical-path.js';
export type { ScheduleBounds } from './critical-path.js';
export { runSchedule, defaultRetryDelayMs } from './scheduler.js';
export type { ScheduleOptions, TaskRunner, TaskAttempt, SettledTask } from './scheduler.js';
export { simulateSchedule } from './simulate-schedule.js';
export type { Simulation, SimulatedTask, ReadyOrder } from './simulate-schedule.js';
