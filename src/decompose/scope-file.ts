/** A file of a phase's scope as the decomposer sees it: its path and size, never its text. */
export interface ScopeFile {
  readonly path: string;
  readonly bytes: number;
}

/** Tokens an agent would spend reading the file, estimated as bytes / 4. */
export function estimateTokens(bytes: number): number {
  return Math.ceil(bytes / 4);
}
