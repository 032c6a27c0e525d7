/**
 * Reads what an agent CLI says about itself — final message, tokens, cost — from its stdout, line
 * by line as it streams. Each CLI has its own format; unknown or malformed lines are ignored,
 * because agent output is not ours to trust.
 */

export type UsageFormat = 'claude' | 'codex' | 'gemini' | 'aider';

export interface AgentUsage {
  readonly cost_usd?: number;
  readonly tokens?: { readonly input: number; readonly output: number };
  /** The agent's last answer, shortened. */
  readonly final_message?: string;
}

export interface UsageReader {
  line(text: string): void;
  usage(): AgentUsage;
}

/** Longest final message kept. */
const MAX_MESSAGE = 2000;

export function usageReader(format: UsageFormat): UsageReader {
  switch (format) {
    case 'claude':
      return new ClaudeReader();
    case 'codex':
      return new CodexReader();
    case 'gemini':
      return new GeminiReader();
    case 'aider':
      return new AiderReader();
  }
}

type Json = Record<string, unknown>;

function parseObject(text: string): Json | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Json)
      : undefined;
  } catch {
    return undefined;
  }
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Json)
    : undefined;
}

function shorten(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > MAX_MESSAGE ? `${trimmed.slice(0, MAX_MESSAGE - 1)}…` : trimmed;
}

class Tally {
  input = 0;
  output = 0;
  seen = false;
  cost: number | undefined;
  message: string | undefined;

  add(input: number | undefined, output: number | undefined): void {
    if (input === undefined && output === undefined) return;
    this.seen = true;
    this.input += input ?? 0;
    this.output += output ?? 0;
  }

  usage(): AgentUsage {
    return {
      ...(this.cost !== undefined && { cost_usd: this.cost }),
      ...(this.seen && { tokens: { input: this.input, output: this.output } }),
      ...(this.message !== undefined &&
        this.message !== '' && {
          final_message: shorten(this.message),
        }),
    };
  }
}

/** `{"type":"result","total_cost_usd":…,"usage":{…},"result":"…"}` ends a Claude Code run. */
class ClaudeReader extends Tally implements UsageReader {
  line(text: string): void {
    const event = parseObject(text);
    if (event?.['type'] !== 'result') return;
    this.cost = num(event['total_cost_usd']) ?? this.cost;
    const usage = obj(event['usage']);
    if (usage) {
      const input =
        (num(usage['input_tokens']) ?? 0) +
        (num(usage['cache_creation_input_tokens']) ?? 0) +
        (num(usage['cache_read_input_tokens']) ?? 0);
      this.input = 0;
      this.output = 0;
      this.add(input, num(usage['output_tokens']));
    }
    if (typeof event['result'] === 'string') this.message = event['result'];
  }
}

/** Codex: `turn.completed` carries each turn's usage; `agent_message` items carry answers. */
class CodexReader extends Tally implements UsageReader {
  line(text: string): void {
    const event = parseObject(text);
    if (!event) return;
    if (event['type'] === 'turn.completed') {
      const usage = obj(event['usage']);
      if (usage) this.add(num(usage['input_tokens']), num(usage['output_tokens']));
    }
    const item = obj(event['item']);
    if (
      event['type'] === 'item.completed' &&
      item?.['type'] === 'agent_message' &&
      typeof item['text'] === 'string'
    )
      this.message = item['text'];
  }
}

/** Gemini CLI: assistant `message` chunks, then a `result` with aggregated `stats`. */
class GeminiReader extends Tally implements UsageReader {
  #answer = '';

  line(text: string): void {
    const event = parseObject(text);
    if (!event) return;
    const type = event['type'];
    if (type === 'message' && event['role'] === 'assistant' && typeof event['content'] === 'string')
      this.#answer = event['delta'] === true ? this.#answer + event['content'] : event['content'];
    else if (type === 'tool_use' || type === 'tool_result') {
      if (this.#answer !== '') this.message = this.#answer;
      this.#answer = '';
    } else if (type === 'result') {
      const stats = obj(event['stats']);
      if (stats) this.add(num(stats['input_tokens']), num(stats['output_tokens']));
      this.cost = num(stats?.['cost_usd']) ?? this.cost;
    }
    if (this.#answer !== '') this.message = this.#answer;
  }
}

const AIDER_TOKENS = /^Tokens:\s+([\d.]+)(k|m)?\s+sent,.*?([\d.]+)(k|m)?\s+received\./i;
const AIDER_COST = /Cost:\s+\$([\d.]+)\s+message,\s+\$([\d.]+)\s+session/i;

/** Aider prints `Tokens: 2.3k sent, 150 received. Cost: $0.01 message, $0.02 session.` */
class AiderReader extends Tally implements UsageReader {
  line(text: string): void {
    const tokens = AIDER_TOKENS.exec(text.trim());
    if (tokens) this.add(amount(tokens[1], tokens[2]), amount(tokens[3], tokens[4]));
    const cost = AIDER_COST.exec(text);
    if (cost) this.cost = num(Number(cost[2])) ?? this.cost;
  }
}

function amount(value: string | undefined, unit: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const scale = unit?.toLowerCase() === 'k' ? 1e3 : unit?.toLowerCase() === 'm' ? 1e6 : 1;
  return num(Math.round(Number(value) * scale));
}
