import { timestampDate } from '@bufbuild/protobuf/wkt';
import type { Transport } from '@connectrpc/connect';
import { queryOptions, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { requireUser } from '../lib/auth';
import { useFormats } from '../lib/format';
import { defineMessages, messagesIn, useMessages } from '../lib/i18n';
import { onLoadError } from '../lib/status';
import { auditClient } from '../lib/rpc';

/** The filters of the audit page, as they appear in its URL (a plain GET form, so it works without scripts). */
interface AuditSearch {
  actor?: string;
  subject?: string;
  kind?: string;
  /** Days, yyyy-mm-dd, UTC: from the start of `since` to the end of `until`. */
  since?: string;
  until?: string;
  page?: string;
}

// the title apart: the route's head is in every page's first load, the page's words are not
const titles = defineMessages('auditTitle', { title: 'Audit log — Eat or Yeet' });
const messages = defineMessages('audit', {
  heading: 'Audit log',
  lead: 'Who changed what, newest first: recipe reviews and publishing, role changes, deleted accounts.',
  kind: 'Kind',
  actor: 'By (user id)',
  subject: 'About (recipe or user id)',
  since: 'From',
  until: 'To',
  filter: 'Filter',
  caption: 'Audit events',
  when: 'When',
  what: 'What',
  by: 'By',
  about: 'About',
  details: 'Details',
  none: 'No events match these filters.',
  older: 'Older events →',
});
/** The kinds of event, in the filter's order ('' for any). */
const kinds = defineMessages('auditKind', {
  '': 'Any kind',
  'recipe.create': 'Recipe created',
  'recipe.update': 'Recipe edited',
  'recipe.submit': 'Submitted for review',
  'recipe.approve': 'Published',
  'recipe.reject': 'Sent back',
  'recipe.unpublish': 'Unpublished',
  'recipe.archive': 'Archived',
  'user.roles_changed': 'Roles changed',
  'user.deleted': 'Account deleted',
  'user.sign_in_failures': 'Sign-in failures',
  'user.data_exported': 'Data exported',
});

/**
 * The words of an event's details (the API records its own names: `from`, `to`, statuses,
 * roles, counts). A name or value not here reads as the API wrote it.
 */
const detailWords = defineMessages('auditDetail', {
  from: 'from',
  to: 'to',
  reason: 'reason',
  scope: 'counted by',
  failures: 'failures',
  windowMinutes: 'within minutes',
  address: 'address',
  exportId: 'export',
  self: 'by themselves',
  keepPublishedRecipes: 'published recipes kept',
  recipesDeleted: 'recipes deleted',
  recipesKept: 'recipes kept',
  ratingsDeleted: 'ratings deleted',
  yes: 'yes',
  no: 'no',
  // values
  draft: 'draft',
  in_review: 'in review',
  published: 'published',
  archived: 'archived',
  user: 'member',
  author: 'author',
  editor: 'editor',
  admin: 'admin',
  pair: 'account and address',
  account: 'account',
});

const text = (v: unknown, max = 100) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined);
const day = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : undefined);

function validateAuditSearch(raw: Record<string, unknown>): AuditSearch {
  return {
    actor: text(raw.actor),
    subject: text(raw.subject),
    kind: text(raw.kind, 40),
    since: day(raw.since),
    until: day(raw.until),
    page: text(raw.page, 500),
  };
}

/**
 * A Timestamp at 00:00 UTC of `day` (+ `days`), as a plain init: timestampFromDate would bring
 * the protobuf runtime into every page's first load, as this code is in the route tree.
 */
const midnight = (day: string, days = 0) => ({ seconds: BigInt(Date.parse(`${day}T00:00:00Z`) / 1000 + days * 86_400) });

const auditEvents = (transport: Transport, s: AuditSearch) =>
  queryOptions({
    queryKey: ['audit-events', s],
    queryFn: ({ signal }) =>
      auditClient(transport).listEvents(
        {
          actorId: s.actor ?? '',
          subjectId: s.subject ?? '',
          kinds: s.kind ? [s.kind] : [],
          since: s.since ? midnight(s.since) : undefined,
          until: s.until ? midnight(s.until, 1) : undefined,
          pageSize: 50,
          pageToken: s.page ?? '',
        },
        { signal },
      ),
  });

export const Route = createFileRoute('/admin/audit')({
  validateSearch: validateAuditSearch,
  beforeLoad: ({ context, location }) => requireUser(context, location, 'admin'),
  loaderDeps: ({ search }) => search,
  loader: async ({ context: { queryClient, transport }, deps }) => {
    await queryClient.ensureQueryData(auditEvents(transport, deps));
  },
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: ({ match }) => ({ meta: [{ title: messagesIn(titles, match.context.locale).title }] }),
  component: Audit,
});

function Audit() {
  const search = Route.useSearch();
  const { transport } = Route.useRouteContext();
  const page = useSuspenseQuery(auditEvents(transport, search)).data;
  const t = useMessages(messages);
  // kinds the API may add later read as their name
  const kindLabels: Partial<Record<string, string>> = useMessages(kinds);
  const { moment, number } = useFormats();
  const words: Partial<Record<string, string>> = useMessages(detailWords);
  /** An event's details in the reader's language: "to: Redaktion, Admin; …". */
  const details = (detail: Record<string, unknown>): string => {
    const value = (v: unknown): string => {
      if (typeof v === 'boolean') return (v ? words.yes : words.no) ?? String(v);
      if (typeof v === 'number') return number(v);
      if (Array.isArray(v)) return v.map(value).join(', ');
      return typeof v === 'string' ? (words[v] ?? v) : String(v);
    };
    return (
      Object.entries(detail)
        // from before to (the API's JSON keeps its keys in no order a reader expects)
        .sort(([a], [b]) => Number(b === 'from') - Number(a === 'from'))
        // a reason is what the editor wrote, in their words
        .map(([k, v]) => `${words[k] ?? k}: ${k === 'reason' || k === 'address' || k === 'exportId' ? String(v) : value(v)}`)
        .join('; ')
    );
  };
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">{t.heading}</h1>
      <p className="lead">{t.lead}</p>
      <form method="get" action="/admin/audit" className="filters">
        <div className="field">
          <label htmlFor="audit-kind">{t.kind}</label>
          <select id="audit-kind" name="kind" defaultValue={search.kind ?? ''}>
            {Object.entries(kindLabels).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="audit-actor">{t.actor}</label>
          <input id="audit-actor" name="actor" defaultValue={search.actor ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="audit-subject">{t.subject}</label>
          <input id="audit-subject" name="subject" defaultValue={search.subject ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="audit-since">{t.since}</label>
          <input id="audit-since" name="since" type="date" defaultValue={search.since ?? ''} />
        </div>
        <div className="field">
          <label htmlFor="audit-until">{t.until}</label>
          <input id="audit-until" name="until" type="date" defaultValue={search.until ?? ''} />
        </div>
        <button type="submit" className="button">
          {t.filter}
        </button>
      </form>
      <table className="table">
        <caption className="visually-hidden">{t.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t.when}</th>
            <th scope="col">{t.what}</th>
            <th scope="col">{t.by}</th>
            <th scope="col">{t.about}</th>
            <th scope="col">{t.details}</th>
          </tr>
        </thead>
        <tbody>
          {page.events.map((e) => {
            const when = e.createTime ? timestampDate(e.createTime) : null;
            return (
              <tr key={e.id}>
                <td>{when ? <time dateTime={when.toISOString()}>{moment(when)}</time> : '—'}</td>
                <td>{kindLabels[e.kind] ?? e.kind}</td>
                <td>
                  {e.actor ? (
                    <Link to="/admin/audit" search={{ actor: e.actor.id }}>
                      {e.actor.displayName}
                    </Link>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  <Link to="/admin/audit" search={{ subject: e.subjectId }}>
                    {e.subjectLabel || e.subjectId}
                  </Link>
                </td>
                <td>{details(e.detail ?? {})}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {page.events.length === 0 ? <p className="muted">{t.none}</p> : null}
      {page.nextPageToken ? (
        <p>
          <Link to="/admin/audit" search={{ ...search, page: page.nextPageToken }}>
            {t.older}
          </Link>
        </p>
      ) : null}
    </section>
  );
}
