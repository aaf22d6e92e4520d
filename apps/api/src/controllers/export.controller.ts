import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { notFound, permissionDenied, type SignedInCaller } from '@yeet/domain';
import { type ObjectStorage, storageKeys, type TarEntry, writeTarGz } from '@yeet/media';
import type { Logger } from '@yeet/platform';
import { buildExportDocument, exportReadme } from '../exports/document.ts';
import type { ExportLinks } from '../exports/links.ts';
import type { DataAccess } from '../stores/database.ts';
import type { DataExportRow } from '../stores/export.store.ts';
import { localIssuer } from './account.controller.ts';

export interface ExportControllerOptions {
  storage: ObjectStorage;
  links: ExportLinks;
  /** How long a ready archive's link works (EXPORT_LINK_TTL_HOURS); the sweep deletes it afterwards. */
  linkTtlMs: number;
  logger: Logger;
}

/** A data export as callers see it: the row, and its download link while it works. */
export interface DataExport extends DataExportRow {
  downloadUrl: string | null;
}

/** What the download route answers. */
export type Download =
  | { kind: 'archive'; body: Readable; size: number; fileName: string }
  | { kind: 'unknown' }
  | { kind: 'expired'; expiredAt: Date };

const extensions: Record<string, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', avif: 'avif', heic: 'heic', heif: 'heif' };

/**
 * Archives of a person's data (issue 21): asked for over RPC, built by the worker's
 * `exports.build` job into the object storage (`exports/<id>`), downloaded through a signed
 * link that expires, and swept by `exports.sweep` (docs/operations.md, Retention).
 */
export class ExportController {
  readonly #data: DataAccess;
  readonly #o: ExportControllerOptions;

  constructor(data: DataAccess, options: ExportControllerOptions) {
    this.#data = data;
    this.#o = options;
  }

  /**
   * Starts an export of `userId`'s data (empty: the caller's). The policy table lets only the
   * person or an admin here. While one is being prepared, that one is returned.
   */
  async request(caller: SignedInCaller, userId: string): Promise<DataExport> {
    const subject = userId || caller.user.id;
    if (subject !== caller.user.id && !caller.roles.includes('admin')) {
      throw permissionDenied('Only an admin can export another person’s data.');
    }
    return this.#data.transaction(async (s) => {
      const user = await s.users.get(subject);
      if (!user) throw notFound(subject === caller.user.id ? 'Your account' : 'User');
      const pending = await s.exports.preparingFor(subject);
      if (pending) return this.#view(pending);
      const created = await s.exports.create(randomUUID(), subject, caller.user.id);
      await s.jobs.buildExport(created.id);
      await s.audit.record({
        kind: 'user.data_exported',
        actorId: caller.user.id,
        subjectId: subject,
        detail: { exportId: created.id, self: subject === caller.user.id },
      });
      return this.#view(created);
    });
  }

  async get(_caller: SignedInCaller, id: string): Promise<DataExport> {
    const row = await this.#data.stores.exports.get(id);
    if (!row) throw notFound('Export');
    return this.#view(row);
  }

  async list(caller: SignedInCaller, userId: string): Promise<DataExport[]> {
    return (await this.#data.stores.exports.listOf(userId || caller.user.id)).map((r) => this.#view(r));
  }

  #view(row: DataExportRow): DataExport {
    const live = row.status === 'ready' && row.expiresAt !== null && row.expiresAt > new Date();
    return { ...row, downloadUrl: live && row.expiresAt ? this.#o.links.url(row.id, row.expiresAt) : null };
  }

  /**
   * Background (`exports.build`): writes data.json, README.txt and every original image into
   * one tar.gz, stores it and marks the export ready. Images are read one at a time: memory
   * holds one original, never the archive.
   */
  async build(exportId: string): Promise<void> {
    const { stores } = this.#data;
    const row = await stores.exports.get(exportId);
    if (row?.status !== 'preparing') return;
    const user = await stores.users.get(row.userId);
    if (!user) {
      await stores.exports.markFailed(exportId, 'The account was deleted.');
      return;
    }
    const dir = await mkdtemp(path.join(tmpdir(), 'yeet-export-'));
    const key = storageKeys.export(exportId);
    try {
      const document = await buildExportDocument(stores, user, user.issuer === localIssuer ? user.subject : null);
      const entries: TarEntry[] = [];
      for (const image of document.images) {
        const bytes = await this.#o.storage.get(storageKeys.original(image.id));
        if (!bytes) {
          this.#o.logger.warn({ exportId, imageId: image.id }, 'an image to export has no original; left out');
          continue;
        }
        const name = `images/${image.id}.${extensions[image.format] ?? 'bin'}`;
        const file = path.join(dir, image.id);
        await writeFile(file, bytes);
        image.file = name;
        image.sha256 = createHash('sha256').update(bytes).digest('hex');
        image.byteSize = bytes.length;
        entries.push({ name, file });
      }
      await writeFile(path.join(dir, 'data.json'), JSON.stringify(document, null, 2));
      await writeFile(path.join(dir, 'README.txt'), exportReadme(true));
      const archive = path.join(dir, 'export.tar.gz');
      await writeTarGz(archive, [
        { name: 'data.json', file: path.join(dir, 'data.json') },
        { name: 'README.txt', file: path.join(dir, 'README.txt') },
        ...entries,
      ]);
      const { size } = await stat(archive);
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(archive)) hash.update(chunk as Buffer);
      await this.#o.storage.putFile(key, archive, 'application/gzip');
      const expiresAt = new Date(Date.now() + this.#o.linkTtlMs);
      if (!(await stores.exports.markReady(exportId, size, hash.digest('hex'), expiresAt))) {
        // The account was deleted while the archive was built: it must not outlive it.
        await this.#o.storage.delete(key);
      }
    } catch (err) {
      this.#o.logger.error({ err, exportId }, 'data export failed');
      await stores.exports.markFailed(
        exportId,
        'The archive could not be built. Ask for a new export; if it fails again, tell an admin.',
      );
      await this.#o.storage.delete(key).catch(() => undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Background (`exports.sweep`): removes expired, failed and abandoned exports, archive first. */
  async sweep(batch = 200): Promise<number> {
    const ids = await this.#data.stores.exports.sweepable(batch);
    for (const id of ids) await this.#o.storage.delete(storageKeys.export(id));
    await this.#data.stores.exports.delete(ids);
    return ids.length;
  }

  /** The download link's target: the archive, or why there is none. */
  async download(id: string, exp: string, sig: string): Promise<Download> {
    const expiresAt = this.#o.links.verify(id, exp, sig);
    if (!expiresAt) return { kind: 'unknown' };
    if (expiresAt <= new Date()) return { kind: 'expired', expiredAt: expiresAt };
    const row = await this.#data.stores.exports.get(id);
    // A link we signed whose export is gone: swept, or its account deleted.
    if (row?.status !== 'ready' || !row.expiresAt || row.expiresAt <= new Date()) {
      return { kind: 'expired', expiredAt: row?.expiresAt ?? expiresAt };
    }
    const object = await this.#o.storage.stream(storageKeys.export(id));
    if (!object) return { kind: 'expired', expiredAt: row.expiresAt };
    return {
      kind: 'archive',
      body: object.body,
      size: object.size,
      fileName: `eat-or-yeet-data-${(row.readyAt ?? row.createdAt).toISOString().slice(0, 10)}.tar.gz`,
    };
  }
}
