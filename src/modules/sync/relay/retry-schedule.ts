/**
 * When a failed delivery is tried again: exponential backoff, base 5 s, factor 3, capped at one day,
 * with ±20 % jitter so deliveries that failed together do not all come back together. The 12th failed
 * attempt sends the delivery to the dead letters. docs/sync.md shows the schedule as a table; the SQL in
 * mark-failed.ts computes the same numbers (this file is the one place they are defined).
 */
export const RETRY = {
  baseSeconds: 5,
  factor: 3,
  capSeconds: 86_400,
  jitter: 0.2,
  maxAttempts: 12,
} as const;

/** The delay before the next attempt after `attempt` failed, without jitter, in seconds. */
export function nominalRetryDelaySeconds(attempt: number): number {
  return Math.min(RETRY.capSeconds, RETRY.baseSeconds * RETRY.factor ** (attempt - 1));
}

/** Rows of the published schedule: after which attempt, wait how long, total so far. */
export function retrySchedule(): Array<{ attempt: number; delaySeconds: number; totalSeconds: number }> {
  const rows = [];
  let total = 0;
  for (let attempt = 1; attempt < RETRY.maxAttempts; attempt++) {
    const delaySeconds = nominalRetryDelaySeconds(attempt);
    total += delaySeconds;
    rows.push({ attempt, delaySeconds, totalSeconds: total });
  }
  return rows;
}
