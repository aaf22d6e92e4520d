import {
  failedPrecondition,
  formatBytes,
  invalidField,
  isDomainError,
  type Recipe,
  type RecipeSource,
  type SignedInCaller,
} from '@yeet/domain';
import type { Logger } from '@yeet/platform';
import { draftFromExtracted, fitText, looksLikeRecipe, textToHtml } from '../import/draft.ts';
import { extractRecipe, type ExtractedRecipe } from '../import/extract.ts';
import { checkUrl, fetchGuardDefaults, fetchImage, fetchPage, type FetchGuardOptions } from '../import/fetch-guard.ts';
import type { ImageController } from './image.controller.ts';
import type { RecipeController } from './recipe.controller.ts';

/** What to import from: a page's address (we fetch it), a page's HTML as pasted, or plain text. */
export type ImportInput =
  | { kind: 'url'; url: string }
  | { kind: 'page'; html: string; url: string }
  | { kind: 'text'; text: string };

export interface ImportResult {
  /** The draft created; in a preview, what would be created (no id, slug or author). */
  recipe: Recipe;
  /** Fields the page did not give, by their RecipeInput names; "cover_image" when no photo came. */
  missing: string[];
  source: RecipeSource | null;
  imageUrl: string | null;
}

export interface ImportControllerOptions {
  recipes: RecipeController;
  images: ImageController;
  /** The upload limit: a page's photo larger than this is not fetched whole. */
  imageMaxBytes: number;
  logger: Logger;
}

/** Pasted text is a recipe, not a book. */
const maxTextLength = 100_000;
/** Where a pasted page has no address: relative links resolve to nothing. */
const noAddress = 'about:blank';

/**
 * Importing a recipe from elsewhere (issue 19, docs/decisions/0023-importer.md): fetch the page
 * behind the SSRF guard (or take it pasted), read it with the importer, fit it to a draft owned by
 * the caller, keep where it came from, and bring the page's photo through the ordinary upload
 * path (the same checks and pipeline as a photo someone uploads). A photo that cannot be had
 * does not fail the import: it is reported missing.
 */
export class ImportController {
  readonly #o: ImportControllerOptions;
  #guard: FetchGuardOptions = {};

  constructor(options: ImportControllerOptions) {
    this.#o = options;
  }

  /**
   * The guard's options for fetches (tests let their local server through with `allowAddress`
   * and its port). Nothing user-facing calls this: the defaults refuse every non-public address.
   */
  setGuardOptions(options: FetchGuardOptions): void {
    this.#guard = options;
  }

  async import(caller: SignedInCaller, input: ImportInput, preview: boolean): Promise<ImportResult> {
    const page = await this.#page(input);
    const extracted = extractRecipe(page.html, page.url ?? noAddress);
    if (!looksLikeRecipe(extracted)) {
      throw failedPrecondition(
        input.kind === 'text'
          ? 'No recipe was found in that text: put the ingredients under a line "Ingredients" and the steps under a line "Method", one per line.'
          : 'No recipe was found on that page: it has no ingredients or method we could read. Give the address of the recipe itself, or paste its text.',
      );
    }
    const source = sourceOf(extracted, page.url);
    const { content, missing } = draftFromExtracted(extracted, source ? `Recipe from ${source.siteName}` : 'Imported recipe');
    const imageUrl = httpUrl(extracted.image);

    if (preview) {
      if (!imageUrl) missing.push('cover_image');
      const recipe = await this.#o.recipes.preview(caller, content);
      return { recipe: { ...recipe, source }, missing, source, imageUrl };
    }
    // The photo is fetched before anything is written: a slow site holds no transaction open.
    const photo = imageUrl ? await this.#photo(imageUrl) : null;
    let recipe = await this.#o.recipes.create(caller, content, source);
    let attached = false;
    if (photo) {
      try {
        const upload = await this.#o.images.createUpload(caller, {
          byteSize: photo.bytes.length,
          contentType: photo.contentType,
        });
        await this.#o.images.receive(upload.uploadId, photo.bytes);
        recipe = await this.#o.images.attach(caller, {
          uploadId: upload.uploadId,
          recipeId: recipe.id,
          slot: 'cover',
          stepIndex: 0,
        });
        attached = true;
      } catch (error) {
        if (!isDomainError(error)) throw error;
        this.#o.logger.info({ host: hostOf(imageUrl), reason: error.message }, 'import: the page photo was refused');
      }
    }
    if (!attached) missing.push('cover_image');
    this.#o.logger.info({ host: hostOf(page.url), recipeId: recipe.id, missing }, 'import: draft created');
    return { recipe, missing, source, imageUrl };
  }

  /** The page's HTML and address, from whichever input was given. */
  async #page(input: ImportInput): Promise<{ html: string; url: string | null }> {
    switch (input.kind) {
      case 'url': {
        if (!input.url.trim()) throw invalidField('url', 'give the address of the recipe page');
        // The form first (invalid_argument), before anything is resolved or fetched.
        const checked = checkUrl(input.url, this.#guard.ports ?? fetchGuardDefaults.ports);
        // The host only: a URL may carry credentials or tokens, and those are nobody's to read.
        this.#o.logger.info({ host: checked.host }, 'import: fetching a page');
        const fetched = await fetchPage(checked.href, this.#guard);
        return { html: fetched.html, url: fetched.url };
      }
      case 'page': {
        if (!input.html.trim()) throw invalidField('page.html', 'paste the HTML of the recipe page');
        if (input.html.length > fetchGuardDefaults.maxBytes) {
          throw invalidField(
            'page.html',
            `the page is larger than ${formatBytes(fetchGuardDefaults.maxBytes)}; paste its text instead`,
          );
        }
        if (!input.url.trim()) return { html: input.html, url: null };
        // Never fetched: it only resolves the page's links and names the source.
        const url = httpUrl(input.url.trim());
        if (!url) throw invalidField('page.url', 'give the http(s) address the page came from, or leave it empty');
        return { html: input.html, url };
      }
      case 'text': {
        if (!input.text.trim()) throw invalidField('text', 'paste the recipe: a title, then its ingredients and method');
        if (input.text.length > maxTextLength) {
          throw invalidField('text', `at most ${maxTextLength.toLocaleString('en')} characters; paste one recipe`);
        }
        return { html: textToHtml(input.text), url: null };
      }
    }
  }

  /** The page's photo through the guard (image types, the upload limit), or null with the reason logged. */
  async #photo(url: string): Promise<{ bytes: Buffer; contentType: string } | null> {
    try {
      const image = await fetchImage(url, { ...this.#guard, maxBytes: this.#o.imageMaxBytes });
      return { bytes: image.bytes, contentType: image.contentType === 'image/heif' ? 'image/heic' : image.contentType };
    } catch (error) {
      if (!isDomainError(error)) throw error;
      this.#o.logger.info({ host: hostOf(url), reason: error.message }, 'import: the page photo could not be fetched');
      return null;
    }
  }
}

/**
 * Where the recipe came from: the page's canonical address when it is on the same site as the
 * page (a canonical elsewhere is not the page we read), else the page's own address; the site's
 * name as it calls itself, else its host.
 */
function sourceOf(r: ExtractedRecipe, pageUrl: string | null): RecipeSource | null {
  const page = httpUrl(pageUrl);
  const canonical = httpUrl(r.canonicalUrl);
  const url = canonical && (!page || sameSite(canonical, page)) ? canonical : page;
  if (!url) return null;
  const siteName = fitText(r.siteName ?? '', 200) || new URL(url).hostname.replace(/^www\./, '');
  return { url, siteName };
}

/** An http(s) address without credentials, within the length a source may have; else null. */
function httpUrl(raw: string | null): string | null {
  if (!raw || !URL.canParse(raw)) return null;
  const url = new URL(raw);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  url.username = '';
  url.password = '';
  return url.href.length <= 2048 ? url.href : null;
}

function sameSite(a: string, b: string): boolean {
  const host = (u: string) => new URL(u).hostname.replace(/^www\./, '');
  return host(a) === host(b);
}

function hostOf(url: string | null): string | null {
  return url && URL.canParse(url) ? new URL(url).host : null;
}
