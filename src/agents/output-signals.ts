/**
 * Watches an agent's output for what decides a retry: a rate-limit answer (HTTP 429, "rate
 * limit", "overloaded"), and the plan's own `retry_on.output` patterns. Only consulted when the
 * attempt failed; a successful agent that mentions rate limits is still a success.
 */

const RATE_LIMIT = [/\b429\b/, /rate[\s_-]?limit/i, /\boverloaded/i, /too many requests/i];

export interface OutputSignals {
  readonly rateLimited: boolean;
  readonly retryMatched: boolean;
}

export class OutputWatch {
  readonly #retryPatterns: readonly RegExp[];
  #rateLimited = false;
  #retryMatched = false;

  constructor(retryPatterns: readonly string[]) {
    this.#retryPatterns = retryPatterns.map((text) => new RegExp(text));
  }

  line(text: string): void {
    if (!this.#rateLimited && RATE_LIMIT.some((pattern) => pattern.test(text)))
      this.#rateLimited = true;
    if (!this.#retryMatched && this.#retryPatterns.some((pattern) => pattern.test(text)))
      this.#retryMatched = true;
  }

  signals(): OutputSignals {
    return { rateLimited: this.#rateLimited, retryMatched: this.#retryMatched };
  }
}
