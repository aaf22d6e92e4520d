import { sql, type Database, type Kysely } from '@yeet/db';
import type { SearchText } from '@yeet/domain';
import type { EngineQuery, EngineResult, EngineSuggestions, SearchEngine } from '../engine.ts';
import { fragments } from '../highlight.ts';
import { PostgresSearchEngine, toSqlParams } from '../postgres.engine.ts';
import { markEnd, markStart, type SearchSqlParams } from '../search-sql.ts';
import {
  MemoryIndex,
  type CompiledText,
  type IndexedDocument,
  type IndexFilter,
  type IndexResult,
  type IndexSort,
} from './memory-index.ts';
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
    this.#pg = new PostgresSearchEngine(db);
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
      hits: await this.#highlight(run.result.ids, run.expression),
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
    const expression = text.words.map((w, i) => (i === text.words.length - 1 && text.prefix ? `${w}:*` : w)).join(' & ');
    const { rows } = await sql<{ id: string; slug: string; title: string; highlighted: string }>`
      select d.recipe_id as id, r.slug, d.title, ts_headline('yeet_simple', d.title, q.query, ${headlineOptions}) as highlighted
      from search_documents d join recipes r on r.id = d.recipe_id, to_tsquery('yeet_simple', ${expression}) as q(query)
      where d.recipe_id = any(${ids}::uuid[])`.execute(this.#db);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const recipes = ids.flatMap((id) => {
      const r = byId.get(id);
      return r ? [{ id: r.id, slug: r.slug, title: r.title, highlighted: fragments(r.highlighted, markStart, markEnd) }] : [];
    });
    return { recipes, tags };
  }

  /** One search over the index, for the planned SQL parameters; null: PostgreSQL must answer it. */
  async #run(index: MemoryIndex, p: SearchSqlParams): Promise<{ result: IndexResult; expression: string | null } | null> {
    const q = await this.#indexQuery(p);
    if (!q) return null;
    if (q.nothing) return { result: { ids: [], total: 0, facets: new Map() }, expression: q.expression };
    return { result: index.search(q.text, q.filter, q.sort, q.limit, q.offset, q.facets), expression: q.expression };
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

  async #highlight(ids: string[], expression: string | null): Promise<EngineResult['hits']> {
    if (ids.length === 0) return [];
    const { rows } = expression
      ? await sql<{ id: string; title: string; summary: string }>`
          select d.recipe_id as id, ts_headline('yeet', d.title, q.query, ${headlineOptions}) as title,
            ts_headline('yeet', d.summary, q.query, ${headlineOptions}) as summary
          from search_documents d, to_tsquery('yeet', ${expression}) as q(query)
          where d.recipe_id = any(${ids}::uuid[])`.execute(this.#db)
      : await sql<{ id: string; title: string; summary: string }>`
          select recipe_id as id, title, summary from search_documents where recipe_id = any(${ids}::uuid[])`.execute(this.#db);
    const byId = new Map(rows.map((r) => [r.id, r]));
    // a document deleted since the index was read is left out
    return ids.flatMap((id) => {
      const r = byId.get(id);
      return r ? [{ id, title: fragments(r.title, markStart, markEnd), summary: fragments(r.summary, markStart, markEnd) }] : [];
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
            select ${documentColumns} from search_documents
            where recipe_id > ${after}::uuid order by recipe_id limit ${batch}`.execute(tx);
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
      { xmin: string; seq: string | null; xid: string | null; recipe_id: string | null } & Partial<DocumentRow>
    >`
      with s as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin),
      c as (
        select * from search_changes
        where xid >= ${state.xmin}::xid8 and seq <> all(${[...state.applied.keys()]}::bigint[])
        order by seq limit ${Math.floor(most) + 1}
      )
      select s.xmin::text as xmin, c.seq::text as seq, c.xid::text as xid, c.recipe_id, ${changedDocumentColumns}
      from s left join c on true left join search_documents d on d.recipe_id = c.recipe_id
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

  /**
   * The completions of a word still being typed, asked from PostgreSQL exactly as search-sql.ts
   * does (an indexed prefix scan of search_lexicon), with their lexemes in the same round trip.
   */
  async #completions(word: string): Promise<string[]> {
    const { rows } = await sql<{ word: string; lexemes: string }>`
      select c.word, to_tsvector('yeet', c.word)::text as lexemes from (
        select l.word from search_lexicon l where l.word like ${word} || '%' and l.word <> ${word}
        order by l.doc_count desc limit 8
      ) c`.execute(this.#db);
    for (const r of rows) this.#stems.set(r.word, stemOf(r.lexemes));
    return rows.map((r) => r.word);
  }
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
}

// facet values as one string: splitting it is much cheaper than parsing a text[] in JavaScript
export const documentColumns = sql`recipe_id as id, document::text as document, title_vector::text as title_vector,
  array_to_string(facet_values, chr(31)) as facet_values,
  rating_score, (extract(epoch from published_at) * 1000)::float8 as published, total_minutes`;

/** The same columns of `d`, a document that may be missing (all null). */
const changedDocumentColumns = sql`d.recipe_id as id, d.document::text as document, d.title_vector::text as title_vector,
  array_to_string(d.facet_values, chr(31)) as facet_values,
  d.rating_score, (extract(epoch from d.published_at) * 1000)::float8 as published, d.total_minutes`;

export function toDocument(r: DocumentRow): IndexedDocument {
  return {
    id: r.id,
    document: r.document,
    titleVector: r.title_vector,
    facetValues: r.facet_values === '' ? [] : r.facet_values.split('\u001f'),
    ratingScore: r.rating_score,
    publishedAt: r.published,
    totalMinutes: r.total_minutes,
  };
}

function stemOf(tsvector: string): Stem {
  const lexemes = lexemesOf(tsvector);
  return lexemes.length === 0 ? null : lexemes.length === 1 ? lexemes[0]! : lexemes;
}
