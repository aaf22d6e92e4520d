import { sql, type Database, type Kysely } from '@yeet/db';
import { allowedTypos, typoDistance, understoodWords } from '@yeet/domain';

/** Words of the index in memory, for typo correction without a trigram scan per query. */
interface Snapshot {
  /** word → documents containing it (0 for words only filters or synonyms know) */
  counts: Map<string, number>;
  /** the same words by length, for scanning only the lengths a typo can reach: those with a letter */
  byLength: Map<number, string[]>;
  /** …and those of digits only (most of a large lexicon: numbers in titles), which a word with
   * more letters than typos allowed can never reach: each letter would be an edit */
  digitsByLength: Map<number, string[]>;
  sorted: string[];
  /** the words of search_lexicon alone (completions come from there), sorted */
  lexicon: string[];
  cuisines: string[];
  /** what the words looked like when loaded: a refresh rebuilds the snapshot only when it changed */
  fingerprint: string;
  loadedAt: number;
}

/** How long a loaded vocabulary is used before it is refreshed in the background. */
const refreshMs = 30_000;

/**
 * The vocabulary a query is corrected against: every indexed word (search_lexicon), the
 * synonyms, the cuisines and the words filters are read from. A word missing from the
 * snapshot (indexed since it was loaded) is looked up in the database before it is ever
 * "corrected", so a new word is never rewritten — unless the snapshot `follows` the index:
 * then whoever applies the index's changes tells it their words (`learn`), and the snapshot
 * is as current as the index (the memory engine, decision 0036).
 */
export class Vocabulary {
  readonly #db: Kysely<Database>;
  readonly #follows: boolean;
  #snapshot: Snapshot | null = null;
  #loading: Promise<Snapshot> | null = null;
  /** words learned while a snapshot loads: it may have been read before they were indexed */
  #learnedDuringLoad: string[] | null = null;

  constructor(db: Kysely<Database>, options: { follows?: boolean } = {}) {
    this.#db = db;
    this.#follows = options.follows ?? false;
  }

  /** Words just indexed (a following snapshot only; before a snapshot exists, its load will read them). */
  learn(words: readonly string[]): void {
    if (this.#learnedDuringLoad) this.#learnedDuringLoad.push(...words);
    const snap = this.#snapshot;
    if (snap) for (const w of words) addWord(snap, w);
  }

  /**
   * The completions of a word still being typed, as search-sql.ts reads them from
   * search_lexicon: the words starting with it (not itself), commonest first, then by word.
   */
  async completions(word: string, limit: number): Promise<string[]> {
    const snap = await this.#current();
    const found: string[] = [];
    for (let i = lowerBound(snap.lexicon, word); i < snap.lexicon.length && snap.lexicon[i]!.startsWith(word); i++)
      if (snap.lexicon[i] !== word) found.push(snap.lexicon[i]!);
    return found.sort((a, b) => snap.counts.get(b)! - snap.counts.get(a)! || (a < b ? -1 : 1)).slice(0, limit);
  }

  async cuisines(): Promise<string[]> {
    return (await this.#current()).cuisines;
  }

  /** Forgets the snapshot (after a reindex), so the next query loads the new words. */
  reset(): void {
    this.#snapshot = null;
  }

  /** Has the next query check the words in the background (another process reindexed everything). */
  expire(): void {
    if (this.#snapshot) this.#snapshot.loadedAt = 0;
  }

  /**
   * The words with misspellings replaced by the closest known word: fewest edits (a swap
   * counts one), then one with the same first letter, then the same last letter (the letters
   * people get right most often), then the commonest. A word already known is kept, and so is a last word
   * still being typed that starts a known word.
   */
  async correct(words: readonly string[], prefix: boolean): Promise<string[]> {
    const snap = await this.#current();
    const unknown = words.filter(
      (w, i) => !snap.counts.has(w) && !/^\d+$/.test(w) && !(prefix && i === words.length - 1 && startsSome(snap.sorted, w)),
    );
    if (unknown.length === 0) return [...words];
    if (this.#follows) return words.map((w) => (unknown.includes(w) ? (closest(snap, w) ?? w) : w));
    const { rows } = await sql<{ word: string }>`select word from search_lexicon where word = any(${unknown}::text[])`.execute(
      this.#db,
    );
    const indexed = new Set(rows.map((r) => r.word));
    return words.map((w) => (unknown.includes(w) && !indexed.has(w) ? (closest(snap, w) ?? w) : w));
  }

  async #current(): Promise<Snapshot> {
    const snap = this.#snapshot;
    if (snap && Date.now() - snap.loadedAt < refreshMs) return snap;
    if (!this.#loading) {
      this.#loading = (async () => {
        // rebuilding ~100k words blocks this process for a while: only when they changed
        if (snap && (await this.#fingerprint()) === snap.fingerprint) {
          snap.loadedAt = Date.now();
          return snap;
        }
        return this.#load();
      })().finally(() => {
        this.#loading = null;
      });
      // A background refresh that fails keeps the old snapshot until the next query tries again.
      this.#loading.catch(() => {});
    }
    // A stale snapshot still serves while the new one loads.
    return snap ?? this.#loading;
  }

  async #fingerprint(): Promise<string> {
    const { rows } = await sql<{ fingerprint: string }>`
      select concat_ws(':',
        (select count(*) || '/' || coalesce(sum(hashtext(word)::bigint * 31 + doc_count), 0) from search_lexicon),
        (select count(*) || '/' || coalesce(sum(hashtext(word)::bigint * 31 + group_id), 0) from search_synonyms),
        (select string_agg(value, ',' order by value) from search_facet_totals where facet = 'cuisines')) as fingerprint`.execute(
      this.#db,
    );
    return rows[0]!.fingerprint;
  }

  async #load(): Promise<Snapshot> {
    if (this.#follows) this.#learnedDuringLoad = [];
    try {
      const snapshot = await this.#read();
      for (const w of this.#learnedDuringLoad ?? []) addWord(snapshot, w);
      this.#snapshot = snapshot;
      return snapshot;
    } finally {
      this.#learnedDuringLoad = null;
    }
  }

  async #read(): Promise<Snapshot> {
    const fingerprint = await this.#fingerprint();
    const { rows } = await sql<{ word: string; n: number; lexicon: boolean }>`
      select word, doc_count as n, true as lexicon from search_lexicon
      union all select word, 0, false from search_synonyms`.execute(this.#db);
    const cuisines = await sql<{ value: string }>`
      select value from search_facet_totals where facet = 'cuisines' order by value`.execute(this.#db);
    const counts = new Map<string, number>();
    for (const { word, n } of rows) counts.set(word, Math.max(n, counts.get(word) ?? 0));
    const cuisineValues = cuisines.rows.map((r) => r.value);
    for (const w of understoodWords(cuisineValues)) if (!counts.has(w)) counts.set(w, 0);
    const byLength = new Map<number, string[]>();
    const digitsByLength = new Map<number, string[]>();
    for (const w of counts.keys()) {
      const lists = /^\d+$/.test(w) ? digitsByLength : byLength;
      if (!lists.has(w.length)) lists.set(w.length, []);
      lists.get(w.length)!.push(w);
    }
    return {
      counts,
      byLength,
      digitsByLength,
      sorted: [...counts.keys()].sort(),
      lexicon: rows
        .filter((r) => r.lexicon)
        .map((r) => r.word)
        .sort(),
      cuisines: cuisineValues,
      fingerprint,
      loadedAt: Date.now(),
    };
  }
}

function lowerBound(sorted: readonly string[], start: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function startsSome(sorted: readonly string[], start: string): boolean {
  const at = lowerBound(sorted, start);
  return at < sorted.length && sorted[at]!.startsWith(start);
}

/** A word just added to search_lexicon (doc_count 1, as addWordsSql inserts it until the hourly recount), into a snapshot. */
function addWord(snap: Snapshot, word: string): void {
  const at = lowerBound(snap.lexicon, word);
  if (snap.lexicon[at] === word) return;
  snap.lexicon.splice(at, 0, word);
  const known = snap.counts.has(word);
  snap.counts.set(word, Math.max(snap.counts.get(word) ?? 0, 1));
  if (known) return;
  snap.sorted.splice(lowerBound(snap.sorted, word), 0, word);
  const lists = /^\d+$/.test(word) ? snap.digitsByLength : snap.byLength;
  if (!lists.has(word.length)) lists.set(word.length, []);
  lists.get(word.length)!.push(word);
}

function closest(snap: Snapshot, word: string): string | null {
  const max = allowedTypos(word.length);
  if (max === 0) return null;
  let best: string | null = null;
  let bestKey: number[] = [];
  const better = (a: number[], b: number[]) => {
    for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k]! < b[k]!;
    return false;
  };
  const letters = word.replace(/\d/g, '').length;
  for (let length = word.length - max; length <= word.length + max; length++) {
    const lists = [snap.byLength.get(length) ?? [], letters <= max ? (snap.digitsByLength.get(length) ?? []) : []];
    for (const list of lists)
      for (const candidate of list) {
        const d = typoDistance(word, candidate, best ? bestKey[0]! : max);
        if (d > max) continue;
        const key = [d, candidate[0] === word[0] ? 0 : 1, candidate.at(-1) === word.at(-1) ? 0 : 1, -snap.counts.get(candidate)!];
        if (!best || better(key, bestKey)) {
          best = candidate;
          bestKey = key;
        }
      }
  }
  return best;
}
