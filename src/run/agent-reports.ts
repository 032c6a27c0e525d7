/**
 * What agents report about their tasks, tallied over attempts: cost, tokens, the final message,
 * files outside the task's scope. The run's spending lives here too, so the budget rule is in
 * the same place as the numbers it reads.
 */
import type { AgentTaskResult } from '../execute/index.js';
import { roundCost } from './summarize-run.js';
import type { AgentTaskExtras } from './summarize-run.js';

export class AgentReports {
  readonly #reports = new Map<string, AgentTaskExtras>();
  readonly #budgetUsd: number | undefined;
  /** Spent by agents in this run, earlier sessions included. */
  #spentUsd: number;
  #budgetSpent = false;

  constructor(options: { budgetUsd?: number; spentBeforeUsd?: number }) {
    this.#budgetUsd = options.budgetUsd;
    this.#spentUsd = options.spentBeforeUsd ?? 0;
  }

  /** Per task, for events and the summary. */
  get all(): ReadonlyMap<string, AgentTaskExtras> {
    return this.#reports;
  }

  of(taskId: string): AgentTaskExtras | undefined {
    return this.#reports.get(taskId);
  }

  /** Adds one attempt to its task's tally; returns a warning when it strayed out of scope. */
  note(taskId: string, result: AgentTaskResult): string | undefined {
    const before = this.#reports.get(taskId) ?? {};
    const usage = result.usage;
    const tokens =
      usage?.tokens && before.tokens
        ? {
            input: before.tokens.input + usage.tokens.input,
            output: before.tokens.output + usage.tokens.output,
          }
        : (usage?.tokens ?? before.tokens);
    const cost =
      usage?.cost_usd === undefined ? before.cost_usd : (before.cost_usd ?? 0) + usage.cost_usd;
    this.#spentUsd += usage?.cost_usd ?? 0;
    const outOfScope = result.outOfScope ?? before.out_of_scope;
    const finalMessage = usage?.final_message ?? before.final_message;
    this.#reports.set(taskId, {
      ...(cost !== undefined && { cost_usd: cost }),
      ...(tokens && { tokens }),
      ...(finalMessage !== undefined && { final_message: finalMessage }),
      ...(outOfScope && { out_of_scope: outOfScope }),
    });
    const strayed = result.outOfScope ?? [];
    if (strayed.length === 0 || result.outcome.status !== 'succeeded') return undefined;
    const shown = strayed.slice(0, 10).join(', ');
    const more = strayed.length > 10 ? ` and ${strayed.length - 10} more` : '';
    return `${taskId} changed files outside its scope: ${shown}${more} (set \`scope: strict\` to fail such tasks, or allow them with \`scope_extra\`)`;
  }

  /**
   * Whether the budget stops new agent tasks; `warn` is called the first time it does, with a
   * sentence for the user.
   */
  budgetSpent(warn: (message: string) => void): boolean {
    if (this.#budgetUsd === undefined || this.#spentUsd < this.#budgetUsd) return false;
    if (!this.#budgetSpent) {
      this.#budgetSpent = true;
      warn(
        `budget spent: agents reported $${roundCost(this.#spentUsd)} of the run's budget_usd $${this.#budgetUsd}; no more agent tasks start (raise budget_usd and resume to go on)`,
      );
    }
    return true;
  }
}
