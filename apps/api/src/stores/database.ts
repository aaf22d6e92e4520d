import { AsyncLocalStorage } from 'node:async_hooks';
import { sql, type Kysely, type Database as Schema } from '@yeet/db';
import { instrument, type Telemetry } from '@yeet/platform';
import { domainOutcome } from '../observation.ts';
import { AccountStore } from './account.store.ts';
import { AuditStore } from './audit.store.ts';
import { ExportStore } from './export.store.ts';
import { CollectionStore } from './collection.store.ts';
import { RecipeEventStore } from './event.store.ts';
import { IdempotencyStore } from './idempotency.store.ts';
import { ImageStore } from './image.store.ts';
import { JobStore } from './job.store.ts';
import { MealPlanStore } from './meal-plan.store.ts';
import { MetaStore } from './meta.store.ts';
import { PeopleStore } from './people.store.ts';
import { RatingStore } from './rating.store.ts';
import { RecipeStore } from './recipe.store.ts';
import { ShoppingListStore } from './shopping-list.store.ts';
import { UserStore } from './user.store.ts';
import { WebSessionStore } from './web-session.store.ts';
import type { Executor } from './executor.ts';

/** Every store, bound to one executor (the pool, or one transaction). */
export interface Stores {
  recipes: RecipeStore;
  events: RecipeEventStore;
  ratings: RatingStore;
  users: UserStore;
  meta: MetaStore;
  jobs: JobStore;
  accounts: AccountStore;
  images: ImageStore;
  webSessions: WebSessionStore;
  idempotency: IdempotencyStore;
  people: PeopleStore;
  audit: AuditStore;
  exports: ExportStore;
  collections: CollectionStore;
  mealPlans: MealPlanStore;
  shoppingLists: ShoppingListStore;
}

function createStores(db: Executor, telemetry: Telemetry): Stores {
  const wrap = <T extends object>(name: string, store: T) => instrument('store', name, store, telemetry, domainOutcome);
  return {
    recipes: wrap('RecipeStore', new RecipeStore(db)),
    events: wrap('RecipeEventStore', new RecipeEventStore(db)),
    ratings: wrap('RatingStore', new RatingStore(db)),
    users: wrap('UserStore', new UserStore(db)),
    meta: wrap('MetaStore', new MetaStore(db)),
    jobs: wrap('JobStore', new JobStore(db)),
    accounts: wrap('AccountStore', new AccountStore(db)),
    images: wrap('ImageStore', new ImageStore(db)),
    webSessions: wrap('WebSessionStore', new WebSessionStore(db)),
    idempotency: wrap('IdempotencyStore', new IdempotencyStore(db)),
    people: wrap('PeopleStore', new PeopleStore(db)),
    audit: wrap('AuditStore', new AuditStore(db)),
    exports: wrap('ExportStore', new ExportStore(db)),
    collections: wrap('CollectionStore', new CollectionStore(db)),
    mealPlans: wrap('MealPlanStore', new MealPlanStore(db)),
    shoppingLists: wrap('ShoppingListStore', new ShoppingListStore(db)),
  };
}

/** The transaction a request runs in (see `DataAccess.unitOfWork`). */
interface Unit {
  stores: Stores;
  db: Executor;
  savepoints: number;
  afterCommit: (() => Promise<void>)[];
}

/**
 * The stores outside a transaction, and `transaction()` to run a unit of work in one.
 * Controllers decide where a transaction starts; stores never open one themselves.
 *
 * A request may run as one unit of work (`unitOfWork`, docs/decisions/0025-atomic-idempotency.md):
 * while it runs, `stores` are the unit's (reads see its writes) and `transaction()` joins it
 * as a savepoint, so an error inside undoes that part only, as its own transaction would.
 */
export class DataAccess {
  readonly #db: Kysely<Schema>;
  readonly #telemetry: Telemetry;
  readonly #pooled: Stores;
  readonly #unit = new AsyncLocalStorage<Unit>();

  constructor(db: Kysely<Schema>, telemetry: Telemetry) {
    this.#db = db;
    this.#telemetry = telemetry;
    this.#pooled = createStores(db, telemetry);
  }

  /** The stores of the unit of work this call runs in, or else the pool's. */
  get stores(): Stores {
    return this.#unit.getStore()?.stores ?? this.#pooled;
  }

  transaction<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
    const unit = this.#unit.getStore();
    if (unit) return savepoint(unit, () => work(unit.stores));
    return this.#db.transaction().execute((tx) => work(createStores(tx, this.#telemetry)));
  }

  /**
   * Runs `work` in one transaction that every store and `transaction()` used inside it joins,
   * on one connection: code inside must not wait for another pool connection (the pool could
   * run out with every connection held by a unit waiting for one). Commits when `work` returns,
   * rolls back when it throws.
   */
  async unitOfWork<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
    if (this.#unit.getStore()) throw new Error('a unit of work is already open in this call');
    const afterCommit: Unit['afterCommit'] = [];
    const result = await this.#db.transaction().execute((tx) => {
      const unit: Unit = { stores: createStores(tx, this.#telemetry), db: tx, savepoints: 0, afterCommit };
      return this.#unit.run(unit, () => work(unit.stores));
    });
    // Clean-up only (e.g. a staged upload's bytes): the sweeps remove whatever a failure here leaves.
    await Promise.allSettled(afterCommit.map((action) => action()));
    return result;
  }

  /**
   * Runs `work` all or nothing: as a savepoint of the unit of work this call runs in, or else as
   * a unit of work of its own (so that `transaction()` calls inside it join it).
   */
  atomically<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
    return this.#unit.getStore() ? this.transaction(work) : this.unitOfWork(work);
  }

  /**
   * Work for once the changes made so far are committed: at once outside a unit of work,
   * after its commit inside one (and never when it rolls back).
   */
  async afterCommit(action: () => Promise<void>): Promise<void> {
    const unit = this.#unit.getStore();
    if (unit) unit.afterCommit.push(action);
    else await action();
  }
}

async function savepoint<T>(unit: Unit, work: () => Promise<T>): Promise<T> {
  const name = sql.raw(`unit_${++unit.savepoints}`);
  await sql`savepoint ${name}`.execute(unit.db);
  try {
    const result = await work();
    await sql`release savepoint ${name}`.execute(unit.db);
    return result;
  } catch (error) {
    // When the rollback fails too (the connection is gone), the unit's commit fails after it: report the first error.
    await sql`rollback to savepoint ${name}`.execute(unit.db).catch(() => undefined);
    throw error;
  }
}
