import type { JsonObject } from '@bufbuild/protobuf';
import { timestampDate, timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import type { AuditService } from '@yeet/contract';
import { invalidField } from '@yeet/domain';
import type { AuditController } from '../controllers/audit.controller.ts';
import { callerOf } from '../rpc/context.ts';

const defaultPageSize = 50;
const maxPageSize = 100;

export function auditHandlers(audit: AuditController): ServiceImpl<typeof AuditService> {
  return {
    async listEvents(req, ctx) {
      const pageSize = req.pageSize || defaultPageSize;
      if (pageSize < 1 || pageSize > maxPageSize) throw invalidField('pageSize', `must be between 1 and ${maxPageSize}`);
      const page = await audit.list(
        callerOf(ctx),
        {
          actorId: req.actorId || null,
          subjectId: req.subjectId || null,
          kinds: req.kinds,
          since: req.since ? timestampDate(req.since) : null,
          until: req.until ? timestampDate(req.until) : null,
        },
        pageSize,
        req.pageToken,
      );
      return {
        events: page.events.map((e) => ({
          id: e.id,
          kind: e.kind,
          actor: e.actor ?? undefined,
          subjectKind: e.subjectKind,
          subjectId: e.subjectId ?? '',
          subjectLabel: e.subjectLabel,
          createTime: timestampFromDate(e.createdAt),
          detail: e.detail as JsonObject,
        })),
        nextPageToken: page.nextPageToken,
      };
    },
  };
}
