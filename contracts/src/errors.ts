/** One way a payload breaks its contract: where, what rule, and what was found. */
export interface ContractIssue {
  /** JSON pointer into the payload, e.g. `/total/value`. Empty string means the root. */
  readonly path: string;
  /** The rule, in words: `Expected integer`, `Expected required property`. */
  readonly message: string;
  /** The offending value, abbreviated when long. */
  readonly found: string;
}

/**
 * A payload or its attributes do not match the event's contract. Permanent: retrying the
 * same bytes can never succeed, so subscribers dead-letter it at once.
 */
export class ContractViolationError extends Error {
  override readonly name = 'ContractViolationError';
  readonly code = 'CONTRACT_VIOLATION';
  constructor(
    readonly topic: string,
    readonly eventType: string,
    readonly version: string,
    readonly part: 'data' | 'attributes',
    readonly issues: readonly ContractIssue[],
  ) {
    super(
      `${eventType} (topic ${topic}, contract v${version}) has invalid ${part}: ` +
        issues
          .slice(0, 5)
          .map((i) => `${i.path || '/'}: ${i.message} (found ${i.found})`)
          .join('; ') +
        (issues.length > 5 ? `; and ${issues.length - 5} more` : ''),
    );
  }
}

/** The bytes of a message are not JSON at all. */
export class UndecodableMessageError extends Error {
  override readonly name = 'UndecodableMessageError';
  readonly code = 'UNDECODABLE';
  constructor(readonly topic: string, cause: unknown) {
    super(`message on topic ${topic} is not valid UTF-8 JSON: ${(cause as Error)?.message ?? String(cause)}`, { cause });
  }
}

export function abbreviate(value: unknown): string {
  if (value === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
