import { sql, type Database, type Kysely } from '@yeet/db';
import type { DietaryFlag, Difficulty, MealType, RecipeCard, SearchText } from '@yeet/domain';
import { ratingSummary } from '../../stores/recipe.store.ts';
import type { EngineHit, EngineQuery, EngineResult, EngineSuggestions, SearchEngine } from '../engine.ts';
import { fragments } from '../highlight.ts';
import { PostgresSearchEngine, toSqlParams } from '../postgres.engine.ts';
import { recipeWords } from '../index-sql.ts';
import { markEnd, markStart, type SearchSqlParams } from '../search-sql.ts';
import {
  MemoryIndex,
  type CompiledText,
  type IndexedDocument,
  type IndexFilter,
  type IndexResult,
  type IndexSort,
  type StoredHit,
} from './memory-index.ts';
import { decomposes, simpleHeadline, wordsOf } from './headline.ts';
import { uniqueOperands } from './rank.ts';
import { lexemesOf } from './tsvector.ts';

export interface MemoryEngineOptions {
  /** Called whenever changes were applied to the memory index (drop cached results). */
  onApplied?: () => void;
  /** Told about background failures (a catch-up or reload that failed is retried). */
  onError?: (err: unknown, what: string) => void;
  /** How often the index catches up without being told (a lost notification); default 5 s. */
  pollMs?: number;
  /** More changed documents than this at once (a reindex) reload everything; default max(20k, a tenth of the index). */
  reloadAbove?: number;
}

/** The arguments of MemoryIndex.search for one query. */
export interface IndexQuery {
  text: CompiledText | null;
  filter: IndexFilter;
  sort: IndexSort;
  limit: number;
  offset: number;
  facets: boolean;
}

/** What a surface word becomes in to_tsquery('yeet', …): a lexeme, nothing (a stop word), or several. */
type Stem = string | null | string[];

/** Everything a query needs, swapped as a whole when the index is rebuilt. */
interface State {
  index: MemoryIndex;
  /** the oldest transaction still running when the changes were last read (xid8 as text) */
  xmin: string;
  /** changes already applied whose transaction may still show up again: seq → xid */
  applied: Map<string, bigint>;
  loadMs: number;
}

/** search_synonyms in memory (a few dozen rows), refreshed every 30 s. */
interface Words {
  synonyms: Map<string, string[]>;
  loadedAt: number;
}

const batch = 5_000;
const wordsRefreshMs = 30_000;
const sweepEveryMs = 5 * 60_000;
/** More changed documents than this at once (a reindex): reload everything instead. */
const reloadAbove = (size: number) => Math.max(20_000, Math.floor(size / 10));
/** Dead ordinals past this share of the live ones: rebuild (compaction). */
const compactAbove = (size: number) => Math.max(10_000, Math.floor(size / 4));
const headlineOptions = `HighlightAll=true, StartSel=${markStart}, StopSel=${markEnd}`;

/**
 * Search answered from memory (docs/decisions/0018): the documents of search_documents loaded
 * into an inverted index at start, ranked with PostgreSQL's own ts_rank formula, facets counted
 * from per-document codes. Writes go to PostgreSQL (the source of truth) through the PostgreSQL
 * engine; every process follows them through search_changes. Query understanding (corrections,
 * filters read from words) is the PostgreSQL engine's plan, so both engines answer alike.
 * Until the index has loaded, queries are answered by PostgreSQL.
 */
export class MemorySearchEngine implements SearchEngine {
  readonly #db: Kysely<Database>;
  readonly #pg: PostgresSearchEngine;
  readonly #options: MemoryEngineOptions;
  #state: State | null = null;
  #words: Words | null = null;
  #wordsLoading: Promise<Words> | null = null;
  readonly #stems = new Map<string, Stem>();
  #starting: Promise<void> | null = null;
  #reloading: Promise<void> | null = null;
  #reloadFailed = false;
  #queue: Promise<void> = Promise.resolve();
  #waiting: Promise<void> | null = null;
  #timer: NodeJS.Timeout | undefined;
  #lastSweep = 0;
  #stopped = false;

  constructor(db: Kysely<Database>, options: MemoryEngineOptions = {}) {
    this.#db = db;
    // the vocabulary learns each change's words with the change: corrections and completions need no round trip
    this.#pg = new PostgresSearchEngine(db, { vocabularyFollows: true });
    this.#options = options;
  }

  /** The index has loaded: queries are answered from memory. */
  get loaded(): boolean {
    return this.#state !== null;
  }

  get stats(): { documents: number; dead: number; lexemes: number; loadMs: number } | null {
    const s = this.#state;
    return s && { documents: s.index.size, dead: s.index.dead, lexemes: s.index.lexemeCount, loadMs: s.loadMs };
  }

  /** Loads the index (once) and follows changes until `signal` aborts. */
  start(signal?: AbortSignal): Promise<void> {
    this.#starting ??= (async () => {
      this.#state = await this.#load();
      signal?.addEventListener('abort', () => {
        this.#stopped = true;
        clearTimeout(this.#timer);
      });
      this.#stopped = signal?.aborted ?? false;
      const tick = () => {
        this.#timer = setTimeout(async () => {
          await this.changed().catch((err) => this.#options.onError?.(err, 'catch-up'));
          await this.#sweep().catch((err) => this.#options.onError?.(err, 'sweep'));
          if (!this.#stopped) tick();
        }, this.#options.pollMs ?? 5_000);
        this.#timer.unref();
      };
      if (!this.#stopped) tick();
    })();
    this.#starting.catch(() => {
      this.#starting = null;
    });
    return this.#starting;
  }

  /**
   * Applies the changes committed since the last look. Concurrent calls share one catch-up
   * that starts after the running one, so it sees every change committed before the call.
   */
  changed(): Promise<void> {
    if (!this.#state) return Promise.resolve();
    if (!this.#waiting) {
      const run = this.#queue.then(() => {
        this.#waiting = null;
        return this.#catchUp();
      });
      this.#waiting = run;
      this.#queue = run.catch(() => {});
    }
    return this.#waiting;
  }

  // --- writes: PostgreSQL first, then this process's index follows at once ---------------

  async index(recipeIds: readonly string[]): Promise<void> {
    await this.#pg.index(recipeIds);
    await this.changed();
  }

  async reconcile(size: number): Promise<{ indexed: number; removed: number }> {
    const done = await this.#pg.reconcile(size);
    if (done.indexed + done.removed > 0) await this.changed();
    return done;
  }

  async rebuildLexicon(): Promise<void> {
    await this.#pg.rebuildLexicon();
    this.#words = null;
  }

  async reindexAll(): Promise<{ indexed: number }> {
    const done = await this.#pg.reindexAll();
    if (this.#state) await this.#reload();
    return done;
  }

  // --- reads -------------------------------------------------------------------------------

  async search(query: EngineQuery): Promise<EngineResult> {
    const state = this.#state;
    if (!state) return this.#pg.search(query);
    const plan = await this.#pg.plan(query);
    let run = await this.#run(state.index, plan.params);
    if (!run) return this.#pg.search(query);
    let interpreted = plan.interpreted;
    if (run.result.total === 0 && interpreted.length > 0) {
      // as the PostgreSQL engine: nothing carries the filters read from the words, so every word is text
      const words = plan.corrected ? plan.corrected.split(' ') : query.text.words;
      run = await this.#run(state.index, toSqlParams({ ...query, text: { ...query.text, words } }));
      if (!run) return this.#pg.search(query);
      interpreted = [];
    }
    return {
      hits: await this.#hits(state.index, run),
      total: run.result.total,
      facets: run.result.facets,
      correctedQuery: plan.corrected,
      interpreted,
    };
  }

  async suggest(text: SearchText, limit: number): Promise<EngineSuggestions> {
    const state = this.#state;
    if (!state) return this.#pg.suggest(text, limit);
    // One typed letter matches a good part of every title: suggest from the second one on.
    if (text.words.length === 0 || (text.words.length === 1 && text.words[0]!.length < 2)) return { recipes: [], tags: [] };
    const ids = state.index.suggest(text.words, text.prefix, limit);
    const tagPrefix = text.words.join('-');
    const tags = state.index
      .facetTotals('tags')
      .filter((t) => t.value.startsWith(tagPrefix))
      .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
      .slice(0, 5)
      .map((t) => ({ tag: t.value, count: t.count }));
    if (ids.length === 0) return { recipes: [], tags };
    // the titles marked as ts_headline('yeet_simple', …) marks them: a word whose lexeme is a
    // typed word, or starts with the last one while it is being typed
    const last = text.words.length - 1;
    const matches = (lexeme: string) =>
      text.words.some((w, i) => (i === last && text.prefix ? lexeme.startsWith(w) : lexeme === w));
    const found = state.index.hits(ids, null).filter((h) => h !== null);
    const recipes = found.map((h) => {
      const words = decomposes(h.title) && !text.words.some(mixed) ? wordsOf(h.title) : null;
      return { id: h.id, slug: h.slug, title: h.title, highlighted: words && simpleHeadline(h.title, words, matches) };
    });
    const unsure = recipes.filter((r) => r.highlighted === null).map((r) => r.id);
    if (unsure.length > 0) {
      // titles only PostgreSQL's parser can split
      const expression = text.words.map((w, i) => (i === last && text.prefix ? `${w}:*` : w)).join(' & ');
      const { rows } = await sql<{ id: string; highlighted: string }>`
        select d.recipe_id as id, ts_headline('yeet_simple', d.title, q.query, ${headlineOptions}) as highlighted
        from search_documents d, to_tsquery('yeet_simple', ${expression}) as q(query)
        where d.recipe_id = any(${unsure}::uuid[])`.execute(this.#db);
      const marked = new Map(rows.map((r) => [r.id, fragments(r.highlighted, markStart, markEnd)]));
      for (const r of recipes) r.highlighted ??= marked.get(r.id) ?? [{ text: r.title, matched: false }];
    }
    return { recipes: recipes.map((r) => ({ ...r, highlighted: r.highlighted ?? [] })), tags };
  }

  /** One search over the index, for the planned SQL parameters; null: PostgreSQL must answer it. */
  async #run(index: MemoryIndex, p: SearchSqlParams): Promise<Run | null> {
    const q = await this.#indexQuery(p);
    if (!q) return null;
    if (q.nothing) return { result: { ids: [], total: 0, facets: new Map() }, text: null, expression: q.expression };
    return {
      result: index.search(q.text, q.filter, q.sort, q.limit, q.offset, q.facets),
      text: q.text,
      expression: q.expression,
    };
  }

  /**
   * What MemoryIndex.search is asked for a query, after the planning every search does (for
   * benchmarks of the index alone); null: PostgreSQL answers it (a phrase), or nothing can match.
   */
  async indexQuery(query: EngineQuery): Promise<IndexQuery | null> {
    const q = await this.#indexQuery((await this.#pg.plan(query)).params);
    return q && !q.nothing ? q : null;
  }

  async #indexQuery(p: SearchSqlParams): Promise<(IndexQuery & { expression: string | null; nothing: boolean }) | null> {
    let text: CompiledText | null = null;
    let expression: string | null = null;
    let nothing = false;
    if (p.words.length > 0) {
      const compiled = await this.#compile(p.words, p.prefix);
      if (!compiled) return null;
      expression = compiled.expression;
      text = compiled.text;
      nothing = !text;
    }
    const filter = {
      cuisines: p.cuisines,
      mealTypes: p.mealTypes,
      difficulties: p.difficulties,
      timeBuckets: p.timeBuckets,
      maxTotalMinutes: p.maxTotalMinutes,
      tags: p.tags,
      dietaryFlags: p.dietaryFlags,
    };
    return { text, filter, sort: p.sort, limit: p.limit, offset: p.offset, facets: p.facets, expression, nothing };
  }

  /**
   * The query search-sql.ts builds, read as the memory index needs it: per word its
   * alternatives (itself, its synonyms, the last word's completions and prefix), each made the
   * lexeme to_tsquery('yeet') makes of it. `text` is null when only stop words remain (no match);
   * the whole is null when a word makes several lexemes (a phrase: PostgreSQL answers).
   */
  async #compile(words: string[], prefix: boolean): Promise<{ text: CompiledText | null; expression: string } | null> {
    if (this.#stems.size > 200_000) this.#stems.clear(); // a bound on words seen only once
    const vocabulary = await this.#currentWords();
    const typing = prefix ? await this.#completions(words.at(-1)!) : [];
    const alternatives = words.map((word, i) => {
      const alts = new Set([word, ...(vocabulary.synonyms.get(word) ?? [])]);
      if (prefix && i === words.length - 1) {
        for (const c of typing) alts.add(c);
        alts.add(`${word}:*`);
      }
      return [...alts].sort();
    });
    const stems = await this.#stemsOf(alternatives.flat().map((a) => a.replace(/:\*$/, '')));
    const textual: Array<{ lexeme: string; prefix: boolean; term: number }> = [];
    let term = 0;
    for (const alts of alternatives) {
      let any = false;
      for (const alt of alts) {
        const isPrefix = alt.endsWith(':*');
        const stem = stems.get(isPrefix ? alt.slice(0, -2) : alt);
        if (stem === undefined || Array.isArray(stem)) return null;
        if (stem === null) continue;
        textual.push({ lexeme: stem, prefix: isPrefix, term });
        any = true;
      }
      if (any) term++;
    }
    const expression = alternatives.map((alts) => `(${alts.join(' | ')})`).join(' & ');
    if (textual.length === 0) return { text: null, expression };
    const terms = Array.from({ length: term }, (_, t) => ({
      exact: textual.filter((o) => o.term === t && !o.prefix).map((o) => o.lexeme),
      prefixes: textual.filter((o) => o.term === t && o.prefix).map((o) => o.lexeme),
    }));
    const operands = uniqueOperands(textual.map((o) => o.lexeme)).map((i) => ({
      lexeme: textual[i]!.lexeme,
      prefix: textual[i]!.prefix,
    }));
    return { text: { terms, operands, and: term >= 2 }, expression };
  }

  /** The lexemes of surface words: from the lexicon loaded at start, else asked once from PostgreSQL. */
  async #stemsOf(words: string[]): Promise<Map<string, Stem>> {
    const missing = [...new Set(words.filter((w) => !this.#stems.has(w)))];
    if (missing.length > 0) {
      const { rows } = await sql<{ word: string; lexemes: string }>`
        select w as word, to_tsvector('yeet', w)::text as lexemes from unnest(${missing}::text[]) w`.execute(this.#db);
      for (const r of rows) this.#stems.set(r.word, stemOf(r.lexemes));
    }
    return new Map(words.map((w) => [w, this.#stems.get(w)!]));
  }

  /**
   * The page's hits from memory: the recipes' cards and their highlights, marked in JavaScript
   * as ts_headline marks them; PostgreSQL marks only the texts headline.ts is not sure how to split.
   */
  async #hits(index: MemoryIndex, run: Run): Promise<EngineHit[]> {
    const stored = index.hits(run.result.ids, run.text).filter((h) => h !== null);
    const unsure = stored.filter((h) => h.highlighted === null).map((h) => h.id);
    const marked = new Map<string, { title: EngineHit['title']; summary: EngineHit['summary'] }>();
    if (unsure.length > 0 && run.expression) {
      const { rows } = await sql<{ id: string; title: string; summary: string }>`
        select d.recipe_id as id, ts_headline('yeet', d.title, q.query, ${headlineOptions}) as title,
          ts_headline('yeet', d.summary, q.query, ${headlineOptions}) as summary
        from search_documents d, to_tsquery('yeet', ${run.expression}) as q(query)
        where d.recipe_id = any(${unsure}::uuid[])`.execute(this.#db);
      for (const r of rows)
        marked.set(r.id, { title: fragments(r.title, markStart, markEnd), summary: fragments(r.summary, markStart, markEnd) });
    }
    // a document deleted since (by another process, before this one caught up) is left out
    return stored.flatMap((h) => {
      const text = h.highlighted ?? marked.get(h.id);
      return text ? [{ id: h.id, ...text, recipe: cardOf(h) }] : [];
    });
  }

  // --- loading and following ------------------------------------------------------------

  /** Every document, read in one snapshot in batches by recipe id; and the words around them. */
  async #load(): Promise<State> {
    const started = Date.now();
    const index = new MemoryIndex();
    const xmin = await this.#db
      .transaction()
      .setIsolationLevel('repeatable read')
      .setAccessMode('read only')
      .execute(async (tx) => {
        const { rows } = await sql<{ xmin: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`.execute(tx);
        const read = (after: string) => {
          const reading = sql<DocumentRow>`
            select ${documentColumns} from ${documentSource}
            where d.recipe_id > ${after}::uuid order by d.recipe_id limit ${batch}`.execute(tx);
          reading.catch(() => {}); // awaited below; a load that failed half-way leaves none unhandled
          return reading;
        };
        // the next batch is read by PostgreSQL while this process indexes the current one
        let next = read('00000000-0000-0000-0000-000000000000');
        for (;;) {
          const page = await next;
          const more = page.rows.length === batch;
          if (more) next = read(page.rows.at(-1)!.id);
          for (const r of page.rows) index.put(toDocument(r), true);
          if (!more) break;
        }
        return rows[0]!.xmin;
      });
    index.trim();
    await this.#loadWords();
    return { index, xmin, applied: new Map(), loadMs: Date.now() - started };
  }

  /** Builds a new index aside while the current one keeps answering, then swaps. */
  #reload(): Promise<void> {
    this.#reloading ??= (async () => {
      try {
        const next = await this.#load().catch((err: unknown) => {
          // the next catch-up tries again
          this.#reloadFailed = true;
          this.#options.onError?.(err, 'reload');
          throw err;
        });
        await this.#enqueue(async () => {
          this.#state = next;
          // the reindex rebuilt the lexicon too: its words are not learned one change at a time
          this.#pg.vocabularyChanged();
          this.#options.onApplied?.();
        });
        await this.changed();
      } finally {
        this.#reloading = null;
      }
    })();
    return this.#reloading;
  }

  #enqueue(work: () => Promise<void>): Promise<void> {
    const run = this.#queue.then(work);
    this.#queue = run.catch(() => {});
    return run;
  }

  async #catchUp(): Promise<void> {
    const state = this.#state;
    if (!state) return;
    if (this.#reloadFailed && !this.#reloading) {
      this.#reloadFailed = false;
      void this.#reload().catch(() => {});
    }
    const most = this.#options.reloadAbove ?? reloadAbove(state.index.size);
    // one round trip: the changes not applied yet, each with its document as it is now (none: removed)
    const { rows } = await sql<
      {
        xmin: string;
        seq: string | null;
        xid: string | null;
        recipe_id: string | null;
        words: string | null;
      } & Partial<DocumentRow>
    >`
      with s as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin),
      c as (
        select * from search_changes
        where xid >= ${state.xmin}::xid8 and seq <> all(${[...state.applied.keys()]}::bigint[])
        order by seq limit ${Math.floor(most) + 1}
      )
      select s.xmin::text as xmin, c.seq::text as seq, c.xid::text as xid, c.recipe_id, ${documentColumns},
        (select string_agg(distinct w.word, ' ') from (${recipeWords(sql`r.id = c.recipe_id`)}) w) as words
      from s left join c on true left join (${documentSource}) on d.recipe_id = c.recipe_id
      order by c.seq`.execute(this.#db);
    const xmin = rows[0]!.xmin;
    const fresh = rows.filter((r) => r.seq !== null);
    if (fresh.length > most) {
      // a reindex: read everything again, aside; until the swap this index follows only what comes after
      state.xmin = xmin;
      state.applied.clear();
      void this.#reload().catch(() => {});
      return;
    }
    // the last row of a recipe is as good as any: all show the document as it is now
    const latest = new Map(fresh.map((r) => [r.recipe_id!, r]));
    for (const [id, r] of latest) {
      if (r.id) state.index.put(toDocument(r as DocumentRow));
      else state.index.remove(id);
      // the words the index job added to search_lexicon with this document
      if (r.words) this.#pg.learn(r.words.split(' '));
    }
    const ids = [...latest.keys()];
    for (const r of fresh) state.applied.set(r.seq!, BigInt(r.xid!));
    const floor = BigInt(xmin);
    for (const [seq, xid] of state.applied) if (xid < floor) state.applied.delete(seq);
    state.xmin = xmin;
    if (ids.length > 0) this.#options.onApplied?.();
    if (state.index.dead > compactAbove(state.index.size) && !this.#reloading) void this.#reload().catch(() => {});
  }

  /** Drops changes older than an hour: every process has read them long before. */
  async #sweep(): Promise<void> {
    if (Date.now() - this.#lastSweep < sweepEveryMs) return;
    this.#lastSweep = Date.now();
    await sql`delete from search_changes where at < now() - interval '1 hour'`.execute(this.#db);
  }

  async #currentWords(): Promise<Words> {
    const words = this.#words;
    if (words && Date.now() - words.loadedAt < wordsRefreshMs) return words;
    if (!this.#wordsLoading) {
      this.#wordsLoading = this.#loadWords().finally(() => {
        this.#wordsLoading = null;
      });
      this.#wordsLoading.catch((err) => this.#options.onError?.(err, 'words'));
    }
    // stale words still serve while the new ones load
    return words ?? this.#wordsLoading;
  }

  async #loadWords(): Promise<Words> {
    const { rows } = await sql<{ word: string; group_id: number }>`select word, group_id from search_synonyms`.execute(this.#db);
    const groups = new Map<number, string[]>();
    for (const r of rows) groups.set(r.group_id, [...(groups.get(r.group_id) ?? []), r.word]);
    const synonyms = new Map<string, string[]>();
    for (const r of rows) synonyms.set(r.word, groups.get(r.group_id)!);
    const words = { synonyms, loadedAt: Date.now() };
    this.#words = words;
    return words;
  }

  /** The completions of a word still being typed, as search-sql.ts reads them from search_lexicon, from the vocabulary. */
  #completions(word: string): Promise<string[]> {
    return this.#pg.completions(word, 8);
  }
}

interface Run {
  result: IndexResult;
  /** what was matched (null: browsing, or nothing can match) and the same as to_tsquery's text */
  text: CompiledText | null;
  expression: string | null;
}

/** A word the default parser may not read as one token in to_tsquery (letters and digits mixed). */
const mixed = (word: string) => /[a-z]/.test(word) && /\d/.test(word);

/** The recipe a hit shows, from the index's fields; only published recipes are indexed. */
function cardOf(h: StoredHit): RecipeCard {
  const values = (facet: string) => h.facetValues.filter((v) => v.startsWith(`${facet}:`)).map((v) => v.slice(facet.length + 1));
  return {
    id: h.id,
    slug: h.slug,
    status: 'published',
    title: h.title,
    summary: h.summary,
    servings: h.servings,
    prepMinutes: h.prepMinutes,
    cookMinutes: h.cookMinutes,
    totalMinutes: h.totalMinutes,
    difficulty: (values('difficulty')[0] ?? null) as Difficulty | null,
    cuisines: values('cuisines'),
    mealTypes: values('meal_types') as MealType[],
    tags: values('tags'),
    dietaryFlags: values('dietary_flags') as DietaryFlag[],
    rating: ratingSummary(h.ratingCount, h.ratingSum),
    publishedAt: new Date(h.publishedAt),
    cover: h.cover,
  };
}

export interface DocumentRow {
  id: string;
  document: string;
  title_vector: string;
  /** separated by U+001F */
  facet_values: string;
  rating_score: number;
  published: number;
  total_minutes: number;
  /** slug, title, summary, cover id, cover placeholder, separated by U+001F */
  card_text: string;
  servings: number;
  prep_minutes: number;
  cook_minutes: number;
  rating_count: number;
  rating_sum: number;
  cover_width: number | null;
  cover_height: number | null;
}

/** A document with its recipe and cover, for what a hit shows (`d` may be missing in a left join: all null). */
export const documentSource = sql`search_documents d join recipes r on r.id = d.recipe_id
  left join recipe_images ri on ri.recipe_id = d.recipe_id and ri.kind = 'cover'
  left join images i on i.id = ri.image_id`;

// facet values and the card's texts as one string each: splitting it is much cheaper than parsing a text[] in JavaScript
export const documentColumns = sql`d.recipe_id as id, d.document::text as document, d.title_vector::text as title_vector,
  array_to_string(d.facet_values, chr(31)) as facet_values,
  d.rating_score, (extract(epoch from d.published_at) * 1000)::float8 as published, d.total_minutes,
  concat_ws(chr(31), r.slug, d.title, d.summary, coalesce(i.id::text, ''), coalesce(i.placeholder, '')) as card_text,
  r.servings, r.prep_minutes, r.cook_minutes, d.rating_count, d.rating_sum, i.width as cover_width, i.height as cover_height`;

export function toDocument(r: DocumentRow): IndexedDocument {
  const [slug, title, summary, coverId, placeholder] = r.card_text.split('\u001f') as [string, string, string, string, string];
  return {
    id: r.id,
    document: r.document,
    titleVector: r.title_vector,
    facetValues: r.facet_values === '' ? [] : r.facet_values.split('\u001f'),
    ratingScore: r.rating_score,
    publishedAt: Math.round(r.published),
    totalMinutes: r.total_minutes,
    card: {
      slug,
      title,
      summary,
      servings: r.servings,
      prepMinutes: r.prep_minutes,
      cookMinutes: r.cook_minutes,
      ratingCount: r.rating_count,
      ratingSum: r.rating_sum,
      cover: coverId
        ? { id: coverId, width: r.cover_width ?? 0, height: r.cover_height ?? 0, placeholder: placeholder || null }
        : null,
    },
  };
}

function stemOf(tsvector: string): Stem {
  const lexemes = lexemesOf(tsvector);
  return lexemes.length === 0 ? null : lexemes.length === 1 ? lexemes[0]! : lexemes;
}
