import { createHmac, timingSafeEqual } from 'node:crypto';
import { formatBytes, isDomainError } from '@yeet/domain';
import type { FastifyInstance } from 'fastify';
import type { ImageController } from '../controllers/image.controller.ts';

/**
 * The platform's own upload target, for storages that cannot presign (the directory of the
 * embedded default): `PUT /uploads/<id>?exp=…&sig=…`, a URL only CreateUpload hands out,
 * valid until `exp`. The body is read up to the size limit and no further.
 */
export function uploadUrlSigner(secret: string, publicUrl: string) {
  const sign = (id: string, exp: number) => createHmac('sha256', secret).update(`${id}.${exp}`).digest('base64url');
  return {
    url: (id: string, expiresAt: Date) => {
      const exp = Math.floor(expiresAt.getTime() / 1000);
      return `${publicUrl}/uploads/${id}?exp=${exp}&sig=${sign(id, exp)}`;
    },
    verify: (id: string, exp: string, sig: string) => {
      const n = Number(exp);
      if (!Number.isInteger(n) || n < Date.now() / 1000) return false;
      const expected = Buffer.from(sign(id, n));
      const given = Buffer.from(sig);
      return expected.length === given.length && timingSafeEqual(expected, given);
    },
  };
}

export async function registerUploadRoute(
  app: FastifyInstance,
  o: { images: ImageController; signer: ReturnType<typeof uploadUrlSigner>; maxBytes: number },
): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null));
    scope.put('/uploads/:id', async (req, reply) => {
      const { id } = req.params as { id: string };
      const { exp = '', sig = '' } = req.query as { exp?: string; sig?: string };
      if (!o.signer.verify(id, exp, sig)) {
        return reply.code(403).send({ error: 'This upload URL is not valid (or has expired); ask for a new one.' });
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > o.maxBytes) return reply.code(413).send({ error: `The image is larger than ${formatBytes(o.maxBytes)}.` });
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of req.raw) {
        size += (chunk as Buffer).length;
        if (size > o.maxBytes) {
          req.raw.destroy();
          return reply.code(413).send({ error: `The image is larger than ${formatBytes(o.maxBytes)}.` });
        }
        chunks.push(chunk as Buffer);
      }
      try {
        await o.images.receive(id, Buffer.concat(chunks));
      } catch (error) {
        if (!isDomainError(error)) throw error;
        return reply.code(error.code === 'not_found' ? 404 : 409).send({ error: error.message });
      }
      return reply.code(204).send();
    });
  });
}
