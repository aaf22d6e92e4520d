import type { Kysely, Database as Schema } from '@yeet/db';
import { instrument, type Telemetry } from '@yeet/platform';
import { domainOutcome } from '../observation.ts';
import { AccountStore } from './account.store.ts';
import { AuditStore } from './audit.store.ts';
import { RecipeEventStore } from './event.store.ts';
import { IdempotencyStore } from './idempotency.store.ts';
import { ImageStore } from './image.store.ts';
import { JobStore } from './job.store.ts';
import { MetaStore } from './meta.store.ts';
import { PeopleStore } from './people.store.ts';
import { RatingStore } from './rating.store.ts';
import { RecipeStore } from './recipe.store.ts';
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
  };
}

/**
 * The stores outside a transaction, and `transaction()` to run a unit of work in one.
 * Controllers decide where a transaction starts; stores never open one themselves.
 */
export class DataAccess {
  readonly stores: Stores;
  readonly #db: Kysely<Schema>;
  readonly #telemetry: Telemetry;

  constructor(db: Kysely<Schema>, telemetry: Telemetry) {
    this.#db = db;
    this.#telemetry = telemetry;
    this.stores = createStores(db, telemetry);
  }

  transaction<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
    return this.#db.transaction().execute((tx) => work(createStores(tx, this.#telemetry)));
  }
}
