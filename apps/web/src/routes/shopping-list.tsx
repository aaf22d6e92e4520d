import { Code } from '@connectrpc/connect';
import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import type { ShoppingListAisle, ShoppingListItem } from '@yeet/contract';
import { decimalMark } from '@yeet/domain/locale';
import { parseQuantity } from '@yeet/domain/quantity';
import { aisleLabels, aisles, amountText } from '@yeet/domain/shopping';
import { useId, useState } from 'react';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { createApiTransport, publicOrigin } from '../lib/api';
import { requireUser } from '../lib/auth';
import { describeError } from '../lib/errors';
import { useIdempotencyKeys } from '../lib/idempotency';
import { shoppingClient, shoppingListKey, shoppingListQuery } from '../lib/shopping';
import { defineMessages, messagesIn, params, useLocale, useMessages } from '../lib/i18n';
import { onLoadError } from '../lib/status';
import { isConnectError } from '../lib/rpc';

// the title apart: the route's head is in every page's first load, the page's words are not
const titles = defineMessages('shoppingListTitle', { title: 'Shopping list — Eat or Yeet' });
const messages = defineMessages('shoppingList', {
  heading: 'Shopping list',
  addItem: 'Add an item',
  placeholder: 'e.g. 2 lemons',
  add: 'Add',
  empty: 'Your list is empty. Add items above, or open a recipe and choose',
  addToList: 'Add to shopping list',
  or: '. Or',
  find: 'find a recipe',
  toGet: params('{n} to get'),
  ticked: params(', {n} ticked'),
  clear: 'Clear ticked items',
  for: params('for {recipes}'),
  tick: 'Tick',
  untick: 'Untick',
  edit: 'Edit',
  editItem: params('Edit {item}'),
  item: 'Item',
  amount: 'Amount',
  unit: 'Unit',
  note: 'Note',
  aisle: 'Aisle',
  save: 'Save',
  remove: 'Remove',
});
// English from @yeet/domain/shopping; the API names a group's aisle in English
const aisleNames = defineMessages('aisle', aisleLabels);

export const Route = createFileRoute('/shopping-list')({
  validateSearch: (search: Record<string, unknown>): { error?: string } =>
    typeof search.error === 'string' && search.error ? { error: search.error.slice(0, 300) } : {},
  // Without JavaScript the page's forms post here, and the answer sends the browser back to the list.
  server: { handlers: { POST: ({ request }) => postWithoutScript(request) } },
  beforeLoad: ({ context, location }) => requireUser(context, location),
  loader: ({ context: { queryClient, transport } }) => queryClient.ensureQueryData(shoppingListQuery(transport)),
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: ({ match }) => ({ meta: [{ title: messagesIn(titles, match.context.locale).title }] }),
  component: ShoppingList,
});

/**
 * A form of the page posted without JavaScript: tick or untick a line, add a typed one, clear the
 * ticked ones, then back to the list (303). Only from this site's own pages: the session cookie
 * is SameSite=Lax, and a post another site makes (Origin, Sec-Fetch-Site) is refused.
 */
async function postWithoutScript(request: Request): Promise<Response> {
  const site = request.headers.get('sec-fetch-site');
  const origin = request.headers.get('origin');
  if ((site && site !== 'same-origin') || (origin && origin !== publicOrigin())) {
    return new Response('Only this site’s own pages can change your shopping list.', { status: 403 });
  }
  const back = (query = '') => new Response(null, { status: 303, headers: { location: `/shopping-list${query}` } });
  const form = await request.formData();
  const field = (name: string) => String(form.get(name) ?? '');
  const client = shoppingClient(createApiTransport());
  try {
    switch (field('action')) {
      case 'tick':
        await client.updateShoppingListItem({ id: field('id'), checked: field('checked') === 'true' });
        break;
      case 'add':
        await client.addShoppingListItem({ text: field('text') });
        break;
      case 'clear':
        await client.clearCheckedShoppingListItems({});
        break;
      default:
        return new Response('Unknown action: use tick, add or clear.', { status: 400 });
    }
  } catch (error) {
    if (!isConnectError(error)) throw error;
    if (error.code === Code.Unauthenticated) {
      return new Response(null, { status: 303, headers: { location: '/auth/login?returnTo=%2Fshopping-list' } });
    }
    // a line removed on another device meanwhile: the list as it is now says enough
    if (error.code === Code.NotFound) return back();
    if (error.code === Code.InvalidArgument) {
      // the field's problem in words, as the page says it with JavaScript ("text: …" is the API's)
      const { fields, message } = describeError(error);
      return back(`?error=${encodeURIComponent(Object.values(fields)[0] ?? message)}`);
    }
    throw error;
  }
  return back();
}

type Edit = Parameters<ReturnType<typeof shoppingClient>['updateShoppingListItem']>[0];

/** Applies a change to the cached list at once (the tap shows before the answer comes). */
function patchList(groups: ShoppingListAisle[] | undefined, id: string, change: Partial<ShoppingListItem>) {
  return groups?.map((g) => ({ ...g, items: g.items.map((i) => (i.id === id ? { ...i, ...change } : i)) }));
}

function ShoppingList() {
  const { transport } = Route.useRouteContext();
  const groups = useSuspenseQuery(shoppingListQuery(transport)).data;
  const queryClient = useQueryClient();
  const client = shoppingClient(transport);
  const refresh = () => queryClient.invalidateQueries({ queryKey: shoppingListKey });
  const id = useId();
  const keys = useIdempotencyKeys();
  const [text, setText] = useState('');
  const t = useMessages(messages);
  const aisleName: Partial<Record<string, string>> = useMessages(aisleNames);

  const add = useMutation({
    mutationFn: (value: string) => client.addShoppingListItem({ text: value }, keys.options('add', value)),
    onSuccess: () => {
      keys.done();
      setText('');
      return refresh();
    },
  });
  const update = useMutation({
    mutationFn: (edit: Edit) => client.updateShoppingListItem(edit),
    onMutate: async (edit) => {
      await queryClient.cancelQueries({ queryKey: shoppingListKey });
      if (edit.checked !== undefined) {
        queryClient.setQueryData(shoppingListKey, (old: ShoppingListAisle[] | undefined) =>
          patchList(old, edit.id ?? '', { checked: edit.checked }),
        );
      }
    },
    onSettled: refresh,
  });
  const clear = useMutation({ mutationFn: () => client.clearCheckedShoppingListItems({}), onSuccess: refresh });

  const lines = groups.flatMap((g) => g.items);
  const ticked = lines.filter((l) => l.checked).length;
  const addError = add.error ? describeError(add.error) : null;
  // what a form posted without JavaScript was refused for
  const posted = Route.useSearch().error;
  const updateError = update.error ? describeError(update.error) : null;

  return (
    <section className="shopping" aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>{t.heading}</h1>
      <form
        method="post"
        className="shopping__add"
        onSubmit={(e) => {
          e.preventDefault();
          if (text.trim()) add.mutate(text);
        }}
      >
        <input type="hidden" name="action" value="add" />
        <label htmlFor={`${id}-add`}>{t.addItem}</label>
        <div className="shopping__add-row">
          <input
            id={`${id}-add`}
            name="text"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t.placeholder}
            maxLength={120}
            autoComplete="off"
            enterKeyHint="done"
            aria-invalid={Boolean(addError)}
            aria-describedby={addError ? `${id}-add-error` : undefined}
          />
          <button type="submit" className="button" disabled={add.isPending}>
            {t.add}
          </button>
        </div>
        {addError || posted ? (
          <p className="field-error" id={`${id}-add-error`}>
            {addError ? (addError.fields.text ?? addError.message) : posted}
          </p>
        ) : null}
      </form>

      {lines.length === 0 ? (
        <p className="notice">
          {t.empty} <strong>{t.addToList}</strong>
          {t.or} <Link to="/search">{t.find}</Link>.
        </p>
      ) : (
        <>
          <p className="shopping__count" role="status">
            {t.toGet({ n: lines.length - ticked })}
            {ticked ? t.ticked({ n: ticked }) : ''}
          </p>
          {updateError ? (
            <p className="field-error" role="alert">
              {updateError.message}
            </p>
          ) : null}
          {groups.map((group) => (
            <section key={group.aisle} className="shopping__aisle" aria-labelledby={`${id}-${group.aisle}`}>
              <h2 id={`${id}-${group.aisle}`}>{aisleName[group.aisle] ?? group.label}</h2>
              <ul className="shopping__lines">
                {group.items.map((line) => (
                  <Line key={line.id} line={line} onChange={(edit) => update.mutate({ id: line.id, ...edit })} />
                ))}
              </ul>
            </section>
          ))}
          <form method="post">
            <input type="hidden" name="action" value="clear" />
            <button
              type="submit"
              className="button button--quiet shopping__clear"
              disabled={!ticked || clear.isPending}
              onClick={(e) => {
                e.preventDefault();
                clear.mutate();
              }}
            >
              {t.clear}
              {ticked ? ` (${ticked})` : ''}
            </button>
          </form>
        </>
      )}
    </section>
  );
}

function Line({ line, onChange }: { line: ShoppingListItem; onChange: (edit: Omit<Edit, 'id'>) => void }) {
  const id = useId();
  const { transport } = Route.useRouteContext();
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: () => shoppingClient(transport).removeShoppingListItem({ id: line.id }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: shoppingListKey }),
  });
  const from = line.sources.map((s) => s.title).join(', ');
  const t = useMessages(messages);
  const aisleName = useMessages(aisleNames);
  // the amount in the reader's language (a decimal comma in German), not the API's English text
  const locale = useLocale();
  const amount = amountText({ quantity: line.quantity ?? null, unit: line.unit }, locale);
  return (
    <li className={`shopping__line${line.checked ? ' shopping__line--checked' : ''}`}>
      {/* without JavaScript, the Tick button posts the form */}
      <form method="post" className="shopping__tick-form">
        <input type="hidden" name="action" value="tick" />
        <input type="hidden" name="id" value={line.id} />
        <input type="hidden" name="checked" value={String(!line.checked)} />
        <input
          type="checkbox"
          id={`${id}-tick`}
          className="shopping__tick"
          checked={line.checked}
          onChange={(e) => onChange({ checked: e.target.checked })}
        />
        <label htmlFor={`${id}-tick`} className="shopping__label">
          <span className="shopping__what">
            {amount ? <strong>{amount}</strong> : null} {line.item}
            {line.note ? <span className="shopping__note">, {line.note}</span> : null}
          </span>
          {from ? <span className="shopping__from">{t.for({ recipes: from })}</span> : null}
        </label>
        <noscript>
          <button type="submit" className="button button--small">
            {line.checked ? t.untick : t.tick}
            <span className="visually-hidden"> {line.item}</span>
          </button>
        </noscript>
      </form>
      <details className="shopping__edit">
        <summary className="shopping__edit-toggle">
          <span className="visually-hidden">{t.editItem({ item: line.item })}</span>
          <span aria-hidden="true">{t.edit}</span>
        </summary>
        <form
          className="shopping__edit-form"
          onSubmit={(e) => {
            e.preventDefault();
            const form = new FormData(e.currentTarget);
            const amount = String(form.get('quantity') ?? '');
            onChange({
              item: String(form.get('item') ?? ''),
              // "1½", "1/2" and "0,5" as a recipe takes them; empty takes the amount away (0); anything else the API refuses
              quantity: parseQuantity(amount) ?? (amount.trim() ? Number.NaN : 0),
              unit: String(form.get('unit') ?? ''),
              note: String(form.get('note') ?? ''),
              aisle: String(form.get('aisle') ?? ''),
            });
            e.currentTarget.closest('details')?.removeAttribute('open');
          }}
        >
          <div className="field">
            <label htmlFor={`${id}-item`}>{t.item}</label>
            <input id={`${id}-item`} name="item" defaultValue={line.item} maxLength={120} required />
          </div>
          <div className="field-row">
            <div className="field">
              <label htmlFor={`${id}-quantity`}>{t.amount}</label>
              <input
                id={`${id}-quantity`}
                name="quantity"
                inputMode="decimal"
                defaultValue={line.quantity === undefined ? '' : decimalMark(String(line.quantity), locale)}
              />
            </div>
            <div className="field">
              <label htmlFor={`${id}-unit`}>{t.unit}</label>
              <input id={`${id}-unit`} name="unit" defaultValue={line.unit} maxLength={20} />
            </div>
          </div>
          <div className="field">
            <label htmlFor={`${id}-note`}>{t.note}</label>
            <input id={`${id}-note`} name="note" defaultValue={line.note} maxLength={200} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-aisle`}>{t.aisle}</label>
            <select id={`${id}-aisle`} name="aisle" defaultValue={line.aisle}>
              {aisles.map((a) => (
                <option key={a} value={a}>
                  {aisleName[a]}
                </option>
              ))}
            </select>
          </div>
          <div className="shopping__edit-actions">
            <button type="submit" className="button button--small">
              {t.save}
            </button>
            <button
              type="button"
              className="button button--small button--quiet"
              disabled={remove.isPending}
              onClick={() => remove.mutate()}
            >
              {t.remove}
            </button>
          </div>
        </form>
      </details>
    </li>
  );
}
