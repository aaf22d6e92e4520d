import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Code, ConnectError } from '@connectrpc/connect';
import { ImageService, ImageSlot, type Recipe, SearchService } from '@yeet/contract';
import { buildUrl, keysFromHex } from '@yeet/media';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures } from '../support/images.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { drained } from '../support/queue.ts';
import { expectCode, recipeInput, violatedFields } from '../support/recipes.ts';

const key = 'ab'.repeat(32);
const salt = 'cd'.repeat(32);
let t: TestPlatform;
let db: pg.Client;

beforeAll(async () => {
  // --role all: the API, the resizer under /_img and the worker, on a small byte limit
  t = await startTestPlatform({
    ROLE: 'all',
    SESSION_SECRET: 'images-test-session-secret-0123456789abcdef',
    IMGPROXY_KEY: key,
    IMGPROXY_SALT: salt,
    IMAGE_MAX_BYTES: String(256 * 1024),
    IMAGE_MAX_PIXELS: String(4_000_000),
    DATA_DIR: `/tmp/yeet-images-test-${process.pid}`,
  });
  db = new pg.Client({ connectionString: t.database.url });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await t?.stop();
  await rm(t.config.dataDir, { recursive: true, force: true });
});

const images = (who = 'alice', roles = 'author') => t.client(ImageService, who, roles.split(','));

/** What a call must have returned; the test fails here, naming it, when it is missing. */
const present = <T>(value: T | null | undefined, what: string): T => value ?? expect.unreachable(`${what} is missing`);
const recipeOf = (response: { recipe?: Recipe }) => present(response.recipe, 'the recipe');
const coverOf = (response: { recipe?: Recipe }) => present(recipeOf(response).coverImage, 'the cover');
const variantUrl = (cover: NonNullable<Recipe['coverImage']>, i: number) => present(cover.variants[i], `size ${i}`).url;

async function draft() {
  return recipeOf(await t.recipes('alice', ['author']).createRecipe({ recipe: recipeInput() }));
}

/** The whole path a client takes: ask for a target, PUT the bytes, attach. */
async function upload(bytes: Buffer, contentType: string, recipeId: string, slot = ImageSlot.COVER, stepIndex = 0) {
  const target = await images().createUpload({ byteSize: BigInt(bytes.length), contentType });
  const put = await fetch(target.url, { method: 'PUT', headers: target.headers, body: bytes });
  return { target, put, attach: () => images().attachImage({ uploadId: target.uploadId, recipeId, slot, stepIndex }) };
}

const storageDir = () => (t.config.images.storage.kind === 'dir' ? t.config.images.storage.dir : '');

/** Every file under the image storage directory, as keys (`originals/<id>`). */
async function storedFiles(): Promise<string[]> {
  const entries = await readdir(storageDir(), { recursive: true });
  const files = await Promise.all(entries.map(async (e) => ((await stat(path.join(storageDir(), e))).isFile() ? [e] : [])));
  return files.flat();
}

/**
 * Starts `call` while another transaction holds the recipe's row, and lets that transaction
 * `change` the recipe and commit once the call waits for the row. The call's promise, settled
 * or not, is handed back unawaited.
 */
async function whileRecipeLocked<T>(recipeId: string, call: () => Promise<T>, change: (holder: pg.Client) => Promise<unknown>) {
  const holder = new pg.Client({ connectionString: t.database.url });
  await holder.connect();
  try {
    await holder.query('begin');
    await holder.query('select 1 from recipes where id = $1 for update', [recipeId]);
    const pending = call();
    pending.catch(() => {}); // awaited by the caller
    await expect.poll(waitingForLocks, { timeout: 10_000, interval: 50 }).toBeGreaterThan(0);
    await change(holder);
    await holder.query('commit');
    return { pending };
  } finally {
    await holder.end();
  }
}

const waitingForLocks = async () =>
  Number(
    (await db.query(`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`))
      .rows[0].n,
  );

const hasGps = (exif: Buffer | undefined) =>
  Boolean(exif && (exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]))));

describe('uploading images', () => {
  it.each([
    ['JPEG', 'image/jpeg', fixtures.jpeg],
    ['PNG', 'image/png', fixtures.png],
    ['WebP', 'image/webp', fixtures.webp],
    ['AVIF', 'image/avif', fixtures.avif],
  ])('accepts a %s as a cover, with signed sizes to show it', async (_name, type, make) => {
    const recipe = await draft();
    const { put, attach } = await upload(await make(), type, recipe.id);
    expect(put.status).toBe(204);
    const cover = coverOf(await attach());
    expect(cover).toMatchObject({ width: 400, height: 300 });
    expect(cover.variants.map((v) => `${v.width}x${v.height}`)).toEqual(['320x240', '480x360', '640x480', '960x720', '1280x960']);
    expect(variantUrl(cover, 0)).toMatch(new RegExp(`^${t.baseUrl}/_img/[A-Za-z0-9_-]{22}/rs:fill:320:240:0/g:sm/`));
  });

  it('judges by content: a text file called .jpg is refused, and nothing stays attached', async () => {
    const recipe = await draft();
    const { put, attach, target } = await upload(fixtures.text(), 'image/jpeg', recipe.id);
    expect(put.status).toBe(204);
    const error = await expectCode(attach(), Code.InvalidArgument);
    expect(error.rawMessage).toContain('not an image we can read');
    expect(violatedFields(error)).toEqual(['upload']);
    const after = recipeOf(await t.recipes('alice', ['author']).getRecipe({ key: { case: 'id', value: recipe.id } }));
    expect(after.coverImage).toBeUndefined();
    expect((await db.query('select count(*)::int as n from uploads where id = $1', [target.uploadId])).rows[0].n).toBe(0);
  });

  it('refuses an image over the byte limit, at the target and before that', async () => {
    const recipe = await draft();
    const big = await fixtures.large(300 * 1024);
    const error = await expectCode(
      images().createUpload({ byteSize: BigInt(big.length), contentType: 'image/png' }),
      Code.InvalidArgument,
    );
    expect(error.rawMessage).toContain('larger than 256 KB');
    // a client that lies about the size is stopped while uploading
    const target = await images().createUpload({ byteSize: 1000n, contentType: 'image/png' });
    const put = await fetch(target.url, { method: 'PUT', headers: target.headers, body: big });
    expect(put.status).toBe(413);
    await expectCode(
      images().attachImage({ uploadId: target.uploadId, recipeId: recipe.id, slot: ImageSlot.COVER }),
      Code.FailedPrecondition,
    );
  });

  it('refuses a decompression bomb without decoding it', async () => {
    const recipe = await draft();
    const { attach } = await upload(fixtures.pixelBomb(), 'image/png', recipe.id);
    const error = await expectCode(attach(), Code.InvalidArgument);
    expect(error.rawMessage).toContain('50000×50000 pixels');
  });

  it('refuses forged and expired upload URLs', async () => {
    const target = await images().createUpload({ byteSize: 100n, contentType: 'image/png' });
    const forged = target.url.replace(/sig=[^&]+/, 'sig=AAAA');
    expect((await fetch(forged, { method: 'PUT', body: 'x' })).status).toBe(403);
    const expired = target.url.replace(/exp=\d+/, 'exp=1000');
    expect((await fetch(expired, { method: 'PUT', body: 'x' })).status).toBe(403);
  });

  it("attaches only the uploader's own upload, to a recipe they may edit", async () => {
    const recipe = await draft();
    const { target } = await upload(await fixtures.png(), 'image/png', recipe.id);
    await expectCode(
      images('bob').attachImage({ uploadId: target.uploadId, recipeId: recipe.id, slot: ImageSlot.COVER }),
      Code.PermissionDenied,
    );
    const bobs = recipeOf(await t.recipes('bob', ['author']).createRecipe({ recipe: recipeInput() }));
    await expectCode(
      images('bob').attachImage({ uploadId: target.uploadId, recipeId: bobs.id, slot: ImageSlot.COVER }),
      Code.NotFound,
    );
    await expectCode(
      images().attachImage({ uploadId: target.uploadId, recipeId: recipe.id, slot: ImageSlot.STEP, stepIndex: 9 }),
      Code.InvalidArgument,
    );
  });

  it('attaches an upload attached 8 times at once exactly once; the others are told it was taken', async () => {
    const recipe = await draft();
    const { target } = await upload(await fixtures.png(), 'image/png', recipe.id);
    const attach = () => images().attachImage({ uploadId: target.uploadId, recipeId: recipe.id, slot: ImageSlot.COVER });
    const results = await Promise.allSettled(Array.from({ length: 8 }, attach));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const codes = results.flatMap((r) => (r.status === 'rejected' ? [Code[ConnectError.from(r.reason).code]] : []));
    expect(codes).toEqual(Array(7).fill('FailedPrecondition'));
    // The original is in place, the upload's bytes are gone, and no half-written file remains.
    expect(await storedFiles()).toEqual(expect.arrayContaining([`originals/${target.uploadId}`]));
    expect(await storedFiles()).not.toContain(`uploads/${target.uploadId}`);
    expect((await storedFiles()).filter((f) => f.endsWith('.part'))).toEqual([]);
    const after = recipeOf(await t.recipes('alice', ['author']).getRecipe({ key: { case: 'id', value: recipe.id } }));
    expect(after.coverImage?.id).toBe(target.uploadId);
  });

  it('decides on the recipe as it is when the image is attached, not as it was read', async () => {
    const recipe = await draft();
    const { attach, target } = await upload(await fixtures.png(), 'image/png', recipe.id);
    const { pending: attaching } = await whileRecipeLocked(recipe.id, attach, (holder) =>
      holder.query('delete from recipes where id = $1', [recipe.id]),
    );
    await expectCode(attaching, Code.NotFound);
    expect(await storedFiles()).not.toContain(`originals/${target.uploadId}`);
    expect((await db.query('select confirmed_at from uploads where id = $1', [target.uploadId])).rows[0].confirmed_at).toBeNull();
  });

  it('removes a photo only while the recipe may still be edited', async () => {
    const recipe = await draft();
    await (await upload(await fixtures.png(), 'image/png', recipe.id)).attach();
    const detach = () => images().detachImage({ recipeId: recipe.id, slot: ImageSlot.COVER });
    const { pending: detaching } = await whileRecipeLocked(recipe.id, detach, (holder) =>
      holder.query(`update recipes set status = 'in_review' where id = $1`, [recipe.id]),
    );
    await expectCode(detaching, Code.FailedPrecondition);
    const after = recipeOf(await t.recipes('alice', ['author']).getRecipe({ key: { case: 'id', value: recipe.id } }));
    expect(after.coverImage).toBeDefined();
  });

  it('puts photos on steps too, and removes them', async () => {
    const recipe = await draft();
    const { attach } = await upload(await fixtures.webp(), 'image/webp', recipe.id, ImageSlot.STEP, 1);
    const withPhoto = recipeOf(await attach());
    expect(withPhoto.steps[1]?.image?.variants.map((v) => v.width)).toEqual([480, 960]);
    const without = recipeOf(await images().detachImage({ recipeId: recipe.id, slot: ImageSlot.STEP, stepIndex: 1 }));
    expect(present(without.steps[1], 'step 2').image).toBeUndefined();
  });
});

describe('serving images: /_img', () => {
  let cover: NonNullable<Recipe['coverImage']>;
  beforeAll(async () => {
    const recipe = await draft();
    const { attach } = await upload(await fixtures.jpegWithGps(), 'image/jpeg', recipe.id);
    cover = coverOf(await attach());
  });

  it('applies the EXIF orientation and strips EXIF, GPS included, from what it serves', async () => {
    expect(cover).toMatchObject({ width: 100, height: 200 }); // 200×100 stored sideways
    const res = await fetch(variantUrl(cover, 0), { headers: { accept: 'image/jpeg' } });
    expect(res.status).toBe(200);
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.exif).toBeUndefined();
    expect(hasGps(meta.exif)).toBe(false);
  });

  it('negotiates AVIF, then WebP, then JPEG from the Accept header', async () => {
    const url = variantUrl(cover, 1);
    const formats: string[] = [];
    for (const accept of ['image/avif,image/webp,*/*', 'image/webp,*/*', '*/*']) {
      const res = await fetch(url, { headers: { accept } });
      expect(res.headers.get('vary')).toBe('Accept');
      formats.push(res.headers.get('content-type') ?? '');
    }
    expect(formats).toEqual(['image/avif', 'image/webp', 'image/jpeg']);
  });

  it('serves the cached bytes again, immutable, with a strong ETag and 304 on a match', async () => {
    const url = variantUrl(cover, 2);
    const first = await fetch(url, { headers: { accept: 'image/webp' } });
    const second = await fetch(url, { headers: { accept: 'image/webp' } });
    expect(Buffer.from(await second.arrayBuffer())).toEqual(Buffer.from(await first.arrayBuffer()));
    expect(second.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = second.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    const notModified = await fetch(url, { headers: { accept: 'image/webp', 'if-none-match': etag } });
    expect(notModified.status).toBe(304);
    const metrics = await (await fetch(`${t.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/yeet_image_requests_total\{result="hit"\} [1-9]/);
  });

  it('refuses unsigned and tampered URLs before touching anything', async () => {
    const url = variantUrl(cover, 0);
    const tampered = url.replace('rs:fill:320:240', 'rs:fill:1280:960');
    expect((await fetch(tampered)).status).toBe(403);
    const unsigned = url.replace(/\/_img\/[^/]+\//, '/_img/insecure/');
    expect((await fetch(unsigned)).status).toBe(403);
    const otherKey = url.replace(/\/_img\/[^/]+/, `/_img/${'A'.repeat(43)}`);
    expect((await fetch(otherKey)).status).toBe(403);
  });

  it('refuses sizes outside the allow-list even when signed', async () => {
    const source = `local:///originals/${cover.id}`;
    const odd = buildUrl(`${t.baseUrl}/_img`, source, { resize: 'fill', width: 333, height: 250 }, keysFromHex(key, salt));
    expect((await fetch(odd)).status).toBe(400);
  });

  it('records a placeholder colour in the background', async () => {
    await drained(db, 'images.process');
    const row = (await db.query('select placeholder from images where id = $1', [cover.id])).rows[0];
    expect(row.placeholder).toMatch(/^#[0-9a-f]{6}$/);
  });
});

describe('covers on search hits', () => {
  it('show on the hits of a published recipe once attached, placeholder included, and go once detached', async () => {
    const editor = t.recipes('erin', ['editor']);
    const recipe = recipeOf(
      await t.recipes('alice', ['author']).createRecipe({ recipe: recipeInput({ title: 'Zqcovered Bean Stew' }) }),
    );
    await t.recipes('alice', ['author']).submitRecipe({ id: recipe.id });
    await editor.approveRecipe({ id: recipe.id });
    const search = t.client(SearchService);
    const hit = async () => (await search.searchRecipes({ query: 'zqcovered ', skipFacets: true })).hits[0]?.recipe;
    await expect.poll(hit, { timeout: 15_000, interval: 50 }).toMatchObject({ id: recipe.id });
    expect((await hit())?.coverImage).toBeUndefined();

    // an editor changes the photo of a published recipe
    const bytes = await fixtures.jpeg();
    const target = await images('erin', 'editor').createUpload({ byteSize: BigInt(bytes.length), contentType: 'image/jpeg' });
    expect((await fetch(target.url, { method: 'PUT', headers: target.headers, body: bytes })).status).toBe(204);
    const cover = coverOf(
      await images('erin', 'editor').attachImage({ uploadId: target.uploadId, recipeId: recipe.id, slot: ImageSlot.COVER }),
    );
    // the index job the attach queued, then the processing job's: the hit shows the cover and its colour
    await drained(db, 'images.process');
    await drained(db, 'search.index');
    await expect
      .poll(async () => (await hit())?.coverImage?.placeholder, { timeout: 15_000, interval: 50 })
      .toMatch(/^#[0-9a-f]{6}$/);
    expect((await hit())?.coverImage?.id).toBe(cover.id);

    await images('erin', 'editor').detachImage({ recipeId: recipe.id, slot: ImageSlot.COVER });
    await expect.poll(async () => (await hit())?.coverImage, { timeout: 15_000, interval: 50 }).toBeUndefined();
  });
});

describe('sweeping', () => {
  it('removes expired uploads with whatever was PUT to them, and images nothing shows any more', async () => {
    const recipe = await draft();
    const abandoned = await upload(await fixtures.png(), 'image/png', recipe.id);
    const first = await upload(await fixtures.png(), 'image/png', recipe.id);
    const firstCover = coverOf(await first.attach());
    const second = await upload(await fixtures.jpeg(), 'image/jpeg', recipe.id);
    await second.attach(); // replaces the first cover
    const [abandonedId, secondId] = [abandoned.target.uploadId, second.target.uploadId];
    // What an attach whose commit failed leaves behind, and a PUT that arrived after an attach.
    await writeFile(path.join(storageDir(), `originals/${abandonedId}`), 'left over');
    await writeFile(path.join(storageDir(), `uploads/${secondId}`), 'too late');
    await db.query(`update uploads set expires_at = now() - interval '2 hours' where id = any($1)`, [[abandonedId, secondId]]);
    await db.query(`update images set created_at = now() - interval '2 days' where id = $1`, [firstCover.id]);
    await db.query(`select graphile_worker.add_job('images.sweep')`);
    await drained(db, 'images.sweep');
    expect(
      (await db.query('select count(*)::int as n from uploads where id = any($1)', [[abandonedId, secondId]])).rows[0].n,
    ).toBe(0);
    expect((await db.query('select count(*)::int as n from images where id = $1', [firstCover.id])).rows[0].n).toBe(0);
    expect((await fetch(variantUrl(firstCover, 0))).status).toBe(404);
    const files = await storedFiles();
    for (const gone of [
      `uploads/${abandonedId}`,
      `originals/${abandonedId}`,
      `uploads/${secondId}`,
      `originals/${firstCover.id}`,
    ]) {
      expect(files).not.toContain(gone);
    }
    expect(files).toContain(`originals/${secondId}`);
  });
});
