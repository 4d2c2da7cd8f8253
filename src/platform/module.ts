import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Migration } from 'kysely';
import type { Static, TSchema } from 'typebox';
import type { Trx } from './db/database.js';
import type { ScheduledJob } from './scheduler.js';

/**
 * A module is one object: everything it plugs into the app, listed in `src/modules.ts`. `app.ts` and
 * `main.ts` loop over that list; nothing else needs to know a module exists. See docs/modules.md.
 *
 * `Deps` is what the module's routes, jobs and workers use, declared by the module itself (a narrow
 * interface, as `CatalogDeps`); the list checks that the app's services satisfy it. `Hooks` is the
 * shape of the order life-cycle hooks it fills (`Partial<OrderHooks>` from orders), kept a parameter
 * so that this contract imports no module.
 */
export interface Module<Deps = unknown, Hooks = never> {
  readonly name: string;
  /** Kysely migrations by name; all modules' are run together, in name order (timestamp-named). */
  readonly migrations?: Readonly<Record<string, Migration>>;
  /** Fastify plugins registered under `/v1`, each given `{ deps }`. */
  readonly routes?: ReadonlyArray<ModuleRoutes<Deps>>;
  /**
   * Calls into the order life cycle, inside its transactions (orders builds on none of its users). A
   * function of the module's deps when a hook uses a service (compliance's market rules).
   */
  readonly orderHooks?: Hooks | ((deps: Deps) => Hooks);
  /** Jobs the scheduler runs in every `serve` and `worker` process; each must be safe in several. */
  readonly jobs?: (deps: Deps) => ScheduledJob[];
  /** Background work `ordersync worker` runs for this module, besides the relay (e.g. a queue consumer). */
  readonly worker?: (deps: Deps) => Stoppable | undefined;
  /**
   * `serve` runs this module's worker too when it runs the relay in process (RELAY_IN_PROCESS=true):
   * for work that must follow the relay closely (notifications' sender), where the scheduler's tick
   * would be too slow. Off by default, as a module may already do that work in its routes.
   */
  readonly workerInServe?: boolean;
  /** Inbound commands (the command queue) this module applies, by type without the `com.ordersync.` prefix. */
  readonly commands?: CommandHandlers;
  /**
   * Event consumers inside the process, fed by the outbox and relay like external subscriptions. A
   * function of the module's deps when a consumer needs them (a key to open credentials, a client).
   */
  readonly consumes?: ReadonlyArray<EventConsumer> | ((deps: Deps) => ReadonlyArray<EventConsumer>);
}

/** A route plugin: it declares the dependencies it uses, never the whole app. */
export type ModuleRoutes<Deps> = FastifyPluginAsyncTypebox<{ deps: Deps }>;

export interface Stoppable {
  stop(): Promise<void>;
}

export interface CommandContext {
  source: string;
  messageId: string;
}

/** How one command type is checked and applied, inside the transaction that records it in the inbox. */
export interface CommandHandler<S extends TSchema = TSchema> {
  schema: S;
  apply(trx: Trx, data: Static<S>, context: CommandContext): Promise<unknown>;
}

export type CommandHandlers = Readonly<Record<string, CommandHandler>>;

/** Keeps a handler's data type tied to its schema while storing it in a plain map. */
export const commandHandler = <S extends TSchema>(handler: CommandHandler<S>): CommandHandler =>
  handler as unknown as CommandHandler;

/** An event as a consumer gets it: the CloudEvent, `data` parsed (validate it: rows outlive code). */
export interface ConsumedEvent {
  id: string;
  source: string;
  /** Without the `com.ordersync.` prefix, as in `eventTypes`: `order.placed`. */
  type: string;
  subject: string;
  sequence: number;
  time: Date;
  data: unknown;
}

/**
 * A consumer inside the process. It gets every matching event at least once, in `sequence` order per
 * subject, and `handle` runs in a transaction that also records the event id in its inbox, so its own
 * writes there are applied exactly once. A throw is a failed attempt: that subject waits, retried with
 * backoff, a dead letter in the end (`GET /v1/deliveries`), while other subjects flow on.
 */
export interface EventConsumer {
  /** Unique and stable: it names the consumer's subscription and inbox source. */
  readonly name: string;
  /** Patterns as subscriptions take them: `order.*`, `*.refunded`, `*`. */
  readonly eventTypes: readonly string[];
  /** Where a consumer seen for the first time starts: `now` (default) or `beginning` (backfill). */
  readonly from?: 'now' | 'beginning';
  handle(event: ConsumedEvent, trx: Trx): Promise<void>;
  /**
   * Optional: the new events of one relay batch at once (at most one per subject, in the order the
   * relay claimed them), in the same transaction as their inbox rows. A consumer that has it does its
   * work in a few set-based statements per batch instead of a few per event; `handle` still takes a
   * single event (a batch that failed is retried one event at a time). A throw fails the whole batch.
   * Only for work that is all in the database: a consumer that calls out leaves it out, and then each
   * event of a batch commits on its own, so a call that went through is not made again. A consumer
   * that has it is run inside the relay's fan-out transaction, beside the other such consumers, with
   * no delivery row per event (docs/sync.md).
   */
  handleBatch?(events: readonly ConsumedEvent[], trx: Trx): Promise<void>;
  /**
   * Optional, with handleBatch: inside fan-out it may get several events of one subject in one call
   * (in sequence order) rather than a call per event of the subject, for a consumer whose work on an
   * event does not read what it wrote for the subject's earlier ones (notifications read the order).
   */
  readonly wholeSubjects?: boolean;
}
