import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ExportController } from '../controllers/export.controller.ts';

/**
 * `GET /api/exports/<id>?exp=…&sig=…`: the archive of a data export, for whoever holds the
 * link until it expires. A person follows it from the account page, so what is not an archive
 * is a short page in words: 404 for a link that is not ours, 410 for one that expired.
 */
export function registerExportRoute(app: FastifyInstance, exports: ExportController): void {
  app.get('/api/exports/:id', async (req, reply) => {
    const { id } = req.params as { id: string };
    const { exp = '', sig = '' } = req.query as { exp?: string; sig?: string };
    const download = await exports.download(id, exp, sig);
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    switch (download.kind) {
      case 'unknown':
        return page(
          reply,
          404,
          'Download link not found',
          'This download link is not valid: it may have been copied only in part. Open your account page and download your data from there, or ask for a new export.',
        );
      case 'expired':
        return page(
          reply,
          410,
          'Download link expired',
          `This download link expired on ${download.expiredAt.toUTCString()} and the archive was deleted. Ask for a new export on your account page ("Download my data").`,
        );
      case 'archive':
        return reply
          .type('application/gzip')
          .header('content-length', download.size)
          .header('content-disposition', `attachment; filename="${download.fileName}"`)
          .send(download.body);
    }
  });
}

function page(reply: FastifyReply, status: number, title: string, text: string) {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Eat or Yeet</title></head>` +
        `<body><main><h1>${title}</h1><p>${text}</p><p><a href="/account">Go to your account page</a></p></main></body></html>`,
    );
}
