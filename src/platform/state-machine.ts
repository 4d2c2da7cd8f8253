import { AppError } from './errors.js';

/** One action of a state machine: the states it leaves from, where it goes, and what may still refuse it. */
export interface Transition<S extends string, Subject> {
  from: readonly S[];
  to: S;
  /** Returns why the action is refused even though the state allows it. */
  guard?: (subject: Subject) => string | undefined;
}

export type TransitionTable<S extends string, A extends string, Subject> = Record<A, Transition<S, Subject>>;

export type TransitionCheck<S extends string> = { ok: true; to: S } | { ok: false; reason: string };

/** Checks `action` against the table: the state it leads to, or why not (for orders, payments, shipments, returns). */
export function checkStateTransition<S extends string, A extends string, Subject extends { status: S }>(
  what: string,
  table: TransitionTable<S, A, Subject>,
  subject: Subject,
  action: A,
): TransitionCheck<S> {
  const t = table[action];
  if (!t.from.includes(subject.status)) {
    return {
      ok: false,
      reason: `cannot ${action.replaceAll('_', ' ')} ${article(what)} ${what} that is ${subject.status}`,
    };
  }
  const refused = t.guard?.(subject);
  return refused ? { ok: false, reason: refused } : { ok: true, to: t.to };
}

/** Like checkStateTransition, but a refusal is the 409 every command answers, naming the current state. */
export function assertStateTransition<S extends string, A extends string, Subject extends { status: S }>(
  what: string,
  table: TransitionTable<S, A, Subject>,
  subject: Subject,
  action: A,
): S {
  const check = checkStateTransition(what, table, subject, action);
  if (!check.ok) {
    throw new AppError('illegal_transition', `Cannot ${action.replaceAll('_', ' ')}: ${check.reason}`, {
      currentStatus: subject.status,
    });
  }
  return check.to;
}

/** States reachable from the initial ones by any action (guards ignored), for the completeness tests. */
export function reachableStates<S extends string>(
  initial: readonly S[],
  table: Record<string, Transition<S, never>>,
): Set<S> {
  const seen = new Set<S>(initial);
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of Object.values(table)) {
      if (t.from.some((s) => seen.has(s)) && !seen.has(t.to)) {
        seen.add(t.to);
        changed = true;
      }
    }
  }
  return seen;
}

/** States no action leaves. */
export function terminalStates<S extends string>(
  states: readonly S[],
  table: Record<string, Transition<S, never>>,
): S[] {
  return states.filter((s) => !Object.values(table).some((t) => t.from.includes(s)));
}

const article = (noun: string) => (/^[aeiou]/i.test(noun) ? 'an' : 'a');
