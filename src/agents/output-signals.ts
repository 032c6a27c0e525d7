/**
 * Watches an agent's output for what decides a retry: a rate-limit answer from the provider, and
 * the plan's own `retry_on.output` patterns. Only consulted when the attempt failed; a successful
 * agent that mentions rate limits is still a success.
 *
 * A rate-limit answer waits and retries without counting as a failure, so a false one costs
 * minutes of silent retries: only the forms the providers' APIs and the preset CLIs print count
 * (a 429 named as an HTTP status, their error types, "rate limit exceeded"), not any 429 or
 * "rate limit" in an agent's prose, and only in the last lines before the agent exited, where
 * the error that ended it stands.
 */

const RATE_LIMIT = [
  /\b429\W{0,3}too many requests\b/i,
  /\b(?:HTTP(?:\/[\d.]+)?|status(?:[ _]?code)?)["']?\W{0,3}429\b/i,
  /\b(?:rate_limit_error|rate_limit_exceeded|overloaded_error|RateLimitError|RESOURCE_EXHAUSTED)\b/,
  /\brate[ _-]?limit[ _-]?(?:exceeded|reached)\b/i,
  /^\W*(?:error\W+)?(?:you (?:are being|have been) )?rate[ -]?limited\b/i,
];

/** How many of the last lines may hold the rate-limit answer. */
const RATE_LIMIT_TAIL_LINES = 20;

export interface OutputSignals {
  readonly rateLimited: boolean;
  readonly retryMatched: boolean;
}

/** True when one line of output is a provider's rate-limit error. */
function isRateLimitLine(text: string): boolean {
  return RATE_LIMIT.some((pattern) => pattern.test(text));
}

export class OutputWatch {
  readonly #retryPatterns: readonly RegExp[];
  #lines = 0;
  #lastRateLimit = -Infinity;
  #retryMatched = false;

  constructor(retryPatterns: readonly string[]) {
    this.#retryPatterns = retryPatterns.map((text) => new RegExp(text));
  }

  line(text: string): void {
    this.#lines++;
    if (isRateLimitLine(text)) this.#lastRateLimit = this.#lines;
    if (!this.#retryMatched && this.#retryPatterns.some((pattern) => pattern.test(text)))
      this.#retryMatched = true;
  }

  signals(): OutputSignals {
    return {
      rateLimited: this.#lines - this.#lastRateLimit < RATE_LIMIT_TAIL_LINES,
      retryMatched: this.#retryMatched,
    };
  }
}
