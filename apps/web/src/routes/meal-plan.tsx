import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { mealSlotValues, weekStartValues, type MealPlanEntry } from '@yeet/contract';
import { addDays, mealPlanLimits } from '@yeet/domain/meal-plan';
import { mealSlotLabels, mealSlots, type MealSlot } from '@yeet/domain/values';
import { useId, useState } from 'react';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { requireUser } from '../lib/auth';
import { describeError } from '../lib/errors';
import { defineMessages, messagesIn, params, useLocale, useMessages } from '../lib/i18n';
import { useIdempotencyKeys } from '../lib/idempotency';
import {
  dayLabel,
  mealPlanClient,
  mealPlanFeedQuery,
  mealPlanKey,
  mealPlanQuery,
  validatePlanSearch,
  weekLabel,
  weekStartOf,
  type PlanSearch,
} from '../lib/meal-plan';
import { loadAll, onLoadError } from '../lib/status';
import { searchClient } from '../lib/rpc';

// the title apart: the route's head is in every page's first load, the page's words are not
const titles = defineMessages('mealPlanTitle', { title: 'Meal plan — Eat or Yeet' });
const messages = defineMessages('mealPlan', {
  heading: 'Meal plan',
  weeks: 'Weeks',
  previous: 'Previous week',
  next: 'Next week',
  thisWeek: 'This week',
  weeksStart: 'Weeks start on',
  or: ' or ',
  monday: 'Monday',
  sunday: 'Sunday',
  nothing: 'Nothing planned.',
  day: 'Day',
  meal: 'Meal',
  addTitle: 'Add to the plan',
  find: 'Find a recipe',
  findPlaceholder: 'e.g. lentil soup',
  search: 'Search',
  noMatch: params('No recipes match “{query}”.'),
  found: 'Recipes found',
  planning: 'Planning',
  noteInstead: '(write a note instead)',
  note: 'Or a note',
  notePlaceholder: 'e.g. Eating out',
  servings: 'Servings',
  asRecipe: 'As the recipe',
  add: 'Add to plan',
  gone: 'A recipe that is no longer available',
  save: 'Save',
  move: 'Move',
  moveHere: 'Move here',
  remove: 'Remove',
  shopping: 'Shopping',
  addWeek: 'Add this week to shopping list',
  // not count(): a route chunk importing it moves it out of the first load's main chunk into
  // a shared one (measured: +0.8 KB for every visitor); English and German say "one" for 1 alone
  oneRecipe: '1 recipe',
  recipes: params('{count} recipes'),
  skipped: params(' ({count} no longer available, left out)'),
  added: params('Added {recipes}{skipped} to your '),
  list: 'shopping list',
  addedEnd: '.',
  calendar: 'In your calendar',
  feedText:
    'Subscribe to this private link in your calendar app to see your meals there. Anyone with the link can read your plan.',
  feedLink: 'Calendar link',
  newLink: 'Make a new link',
  linkOff: 'Turn the link off',
  noFeed: 'Get a private link to see your meal plan in Google Calendar, Apple Calendar or Outlook.',
  createFeed: 'Create a calendar link',
});
// the same set as components/plan-this.tsx's (one name, one German): declared here as well,
// so that this page does not share a chunk with the recipe page's code
const slots = defineMessages('mealSlot', mealSlotLabels);

export const Route = createFileRoute('/meal-plan')({
  validateSearch: validatePlanSearch,
  beforeLoad: ({ context, location }) => requireUser(context, location),
  loaderDeps: ({ search }) => search,
  loader: ({ context: { queryClient, transport }, deps }) =>
    loadAll(
      queryClient.ensureQueryData(mealPlanQuery(transport, deps)),
      queryClient.ensureQueryData(mealPlanFeedQuery(transport)),
    ),
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: ({ match }) => ({ meta: [{ title: messagesIn(titles, match.context.locale).title }] }),
  component: MealPlan,
});

function usePlan() {
  const { transport } = Route.useRouteContext();
  const search = Route.useSearch();
  const queryClient = useQueryClient();
  return {
    transport,
    search,
    client: mealPlanClient(transport),
    refresh: () => queryClient.invalidateQueries({ queryKey: mealPlanKey }),
  };
}

function MealPlan() {
  const { transport, search } = usePlan();
  const week = useSuspenseQuery(mealPlanQuery(transport, search)).data;
  const id = useId();
  const step = (days: number): PlanSearch => ({ ...search, week: addDays(week.startDate, days) });
  const planned = week.days.reduce((n, d) => n + d.entries.filter((e) => e.item.case === 'recipe').length, 0);
  const t = useMessages(messages);
  const locale = useLocale();
  return (
    <section className="plan" aria-labelledby={`${id}-title`}>
      <div className="page-head">
        <h1 id={`${id}-title`}>{t.heading}</h1>
      </div>
      <nav className="plan__weeks" aria-label={t.weeks}>
        <Link to="/meal-plan" search={step(-7)} className="button button--small button--quiet" rel="prev">
          <span aria-hidden="true">←</span> {t.previous}
        </Link>
        <p className="plan__range" aria-live="polite">
          {weekLabel(week.startDate, week.endDate, locale)}
        </p>
        <Link to="/meal-plan" search={step(7)} className="button button--small button--quiet" rel="next">
          {t.next} <span aria-hidden="true">→</span>
        </Link>
      </nav>
      <p className="plan__this-week">
        <Link to="/meal-plan" search={{ ...search, week: undefined }}>
          {t.thisWeek}
        </Link>
        {' · '}
        <WeekStartLinks />
      </p>

      <AddToPlan days={week.days.map((d) => d.date)} />

      {week.days.map((day) => (
        <section key={day.date} className="plan__day" aria-labelledby={`${id}-${day.date}`}>
          <h2 id={`${id}-${day.date}`}>{dayLabel(day.date, locale)}</h2>
          {day.entries.length === 0 ? (
            <p className="plan__empty">{t.nothing}</p>
          ) : (
            <ul className="plan__entries">
              {day.entries.map((entry) => (
                <Entry key={entry.id} entry={entry} days={week.days.map((d) => d.date)} />
              ))}
            </ul>
          )}
        </section>
      ))}

      <AddWeekToList planned={planned} weekStart={week.startDate} />
      <CalendarFeed />
    </section>
  );
}

function WeekStartLinks() {
  const { search } = usePlan();
  const current = weekStartOf(search);
  const t = useMessages(messages);
  return (
    <span className="plan__start">
      {t.weeksStart}{' '}
      {(['monday', 'sunday'] as const).map((start, i) => (
        <span key={start}>
          {i ? t.or : ''}
          {start === current ? (
            <strong>{t[start]}</strong>
          ) : (
            <Link to="/meal-plan" search={{ ...search, start }}>
              {t[start]}
            </Link>
          )}
        </span>
      ))}
    </span>
  );
}

/** Day and slot pickers, shared by adding and moving. */
function DaySlotFields({ id, days, day, slot }: { id: string; days: string[]; day?: string; slot?: MealSlot }) {
  const t = useMessages(messages);
  const slotLabels = useMessages(slots);
  const locale = useLocale();
  return (
    <div className="field-row">
      <div className="field">
        <label htmlFor={`${id}-day`}>{t.day}</label>
        <select id={`${id}-day`} name="day" defaultValue={day ?? days[0]}>
          {days.map((d) => (
            <option key={d} value={d}>
              {dayLabel(d, locale)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-slot`}>{t.meal}</label>
        <select id={`${id}-slot`} name="slot" defaultValue={slot ?? 'dinner'}>
          {mealSlots.map((s) => (
            <option key={s} value={s}>
              {slotLabels[s]}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

const slotOf = (form: FormData) => mealSlotValues.toProto((String(form.get('slot')) as MealSlot) || 'dinner');

/** Find a recipe (or write a note) and put it in a day's slot. */
function AddToPlan({ days }: { days: string[] }) {
  const { transport, client, refresh } = usePlan();
  const keys = useIdempotencyKeys();
  const id = useId();
  const [query, setQuery] = useState('');
  const [asked, setAsked] = useState('');
  const [chosen, setChosen] = useState<{ id: string; title: string } | null>(null);
  const results = useQuery({
    queryKey: ['plan-search', asked],
    enabled: asked.length > 0,
    queryFn: async () => (await searchClient(transport).searchRecipes({ query: asked, pageSize: 6 })).hits,
  });
  const add = useMutation({
    mutationFn: (req: Parameters<typeof client.addMealPlanEntry>[0]) => client.addMealPlanEntry(req, keys.options('add', req)),
    onSuccess: () => {
      keys.done();
      setChosen(null);
      return refresh();
    },
  });
  const error = add.error ? describeError(add.error) : null;
  const t = useMessages(messages);
  return (
    <section className="plan__add" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t.addTitle}</h2>
      <form
        className="plan__search"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(query.trim());
        }}
      >
        <label htmlFor={`${id}-q`}>{t.find}</label>
        <div className="plan__search-row">
          <input
            id={`${id}-q`}
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder={t.findPlaceholder}
            maxLength={200}
            autoComplete="off"
          />
          <button type="submit" className="button button--small">
            {t.search}
          </button>
        </div>
      </form>
      {asked && results.data ? (
        results.data.length === 0 ? (
          <p className="plan__empty">{t.noMatch({ query: asked })}</p>
        ) : (
          <ul className="plan__results" aria-label={t.found}>
            {results.data.map((hit) => (
              <li key={hit.recipe?.id}>
                <button
                  type="button"
                  className="link-button"
                  aria-pressed={chosen?.id === hit.recipe?.id}
                  onClick={() => setChosen({ id: hit.recipe?.id ?? '', title: hit.recipe?.title ?? '' })}
                >
                  {hit.recipe?.title}
                </button>
              </li>
            ))}
          </ul>
        )
      ) : null}
      <form
        className="plan__add-form"
        onSubmit={(e) => {
          e.preventDefault();
          const form = new FormData(e.currentTarget);
          const servings = Number(form.get('servings') || 0);
          add.mutate({
            date: String(form.get('day')),
            slot: slotOf(form),
            recipeId: chosen?.id ?? '',
            note: chosen ? '' : String(form.get('note') ?? ''),
            servings: chosen ? servings : 0,
          });
        }}
      >
        {chosen ? (
          <p className="plan__chosen" role="status">
            {t.planning} <strong>{chosen.title}</strong>{' '}
            <button type="button" className="link-button" onClick={() => setChosen(null)}>
              {t.noteInstead}
            </button>
          </p>
        ) : (
          <div className="field">
            <label htmlFor={`${id}-note`}>{t.note}</label>
            <input
              id={`${id}-note`}
              name="note"
              placeholder={t.notePlaceholder}
              maxLength={mealPlanLimits.note.max}
              aria-invalid={Boolean(error?.fields.note)}
            />
          </div>
        )}
        <DaySlotFields id={id} days={days} />
        {chosen ? (
          <div className="field">
            <label htmlFor={`${id}-servings`}>{t.servings}</label>
            <input
              id={`${id}-servings`}
              name="servings"
              type="number"
              inputMode="numeric"
              min={mealPlanLimits.servings.min}
              max={mealPlanLimits.servings.max}
              placeholder={t.asRecipe}
              aria-invalid={Boolean(error?.fields.servings)}
            />
          </div>
        ) : null}
        <button type="submit" className="button" disabled={add.isPending}>
          {t.add}
        </button>
        {error ? (
          <p className="field-error" role="alert">
            {Object.values(error.fields)[0] ?? error.message}
          </p>
        ) : null}
      </form>
    </section>
  );
}

function Entry({ entry, days }: { entry: MealPlanEntry; days: string[] }) {
  const { client, refresh } = usePlan();
  const id = useId();
  const slot = mealSlotValues.toDomain(entry.slot) ?? 'dinner';
  const recipe = entry.item.case === 'recipe' ? entry.item.value : null;
  const change = useMutation({
    mutationFn: (servings: number) => client.updateMealPlanEntry({ id: entry.id, servings }),
    onSuccess: refresh,
  });
  const move = useMutation({
    mutationFn: (to: { date: string; slot: number }) => client.moveMealPlanEntry({ id: entry.id, ...to }),
    onSuccess: refresh,
  });
  const remove = useMutation({ mutationFn: () => client.removeMealPlanEntry({ id: entry.id }), onSuccess: refresh });
  const error = [change.error, move.error, remove.error].find(Boolean);
  const t = useMessages(messages);
  const slotLabels = useMessages(slots);
  const title = recipe ? (recipe.available ? recipe.title : t.gone) : String(entry.item.value);
  return (
    <li className="plan__entry">
      <p className="plan__what">
        <span className="plan__slot">{slotLabels[slot]}</span>{' '}
        {recipe?.available ? (
          <Link to="/r/$slug" params={{ slug: recipe.slug }} search={{ servings: entry.servings }}>
            {title}
          </Link>
        ) : (
          <span>{title}</span>
        )}
      </p>
      {recipe ? (
        <form
          className="plan__servings"
          onSubmit={(e) => {
            e.preventDefault();
            change.mutate(Number(new FormData(e.currentTarget).get('servings')));
          }}
        >
          <label htmlFor={`${id}-servings`}>{t.servings}</label>
          <input
            id={`${id}-servings`}
            name="servings"
            type="number"
            inputMode="numeric"
            min={mealPlanLimits.servings.min}
            max={mealPlanLimits.servings.max}
            defaultValue={entry.servings}
          />
          <button type="submit" className="button button--small button--quiet" disabled={change.isPending}>
            {t.save}
          </button>
        </form>
      ) : null}
      <details className="plan__move">
        <summary>
          {t.move}
          <span className="visually-hidden"> {title}</span>
        </summary>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const form = new FormData(e.currentTarget);
            move.mutate({ date: String(form.get('day')), slot: slotOf(form) });
          }}
        >
          <DaySlotFields id={id} days={days} day={entry.date} slot={slot} />
          <button type="submit" className="button button--small" disabled={move.isPending}>
            {t.moveHere}
          </button>
        </form>
      </details>
      <button
        type="button"
        className="button button--small button--quiet plan__remove"
        disabled={remove.isPending}
        onClick={() => remove.mutate()}
      >
        {t.remove}
        <span className="visually-hidden"> {title}</span>
      </button>
      {error ? (
        <p className="field-error" role="alert">
          {Object.values(describeError(error).fields)[0] ?? describeError(error).message}
        </p>
      ) : null}
    </li>
  );
}

function AddWeekToList({ planned, weekStart }: { planned: number; weekStart: string }) {
  const { client, search } = usePlan();
  const queryClient = useQueryClient();
  const keys = useIdempotencyKeys();
  const add = useMutation({
    mutationFn: () => {
      const req = { date: weekStart, weekStart: weekStartValues.toProto(weekStartOf(search)) };
      return client.addMealPlanToShoppingList(req, keys.options('add-week', req));
    },
    onSuccess: () => {
      keys.done();
      return queryClient.invalidateQueries({ queryKey: ['shopping-list'] });
    },
  });
  const t = useMessages(messages);
  const added = add.data?.recipesAdded ?? 0;
  const skipped = add.data?.recipesSkipped ?? 0;
  return (
    <section className="plan__shop" aria-label={t.shopping}>
      <button type="button" className="button" disabled={!planned || add.isPending} onClick={() => add.mutate()}>
        {t.addWeek}
      </button>
      {add.isSuccess ? (
        <p className="notice" role="status">
          {t.added({
            recipes: added === 1 ? t.oneRecipe : t.recipes({ count: added }),
            skipped: skipped ? t.skipped({ count: skipped }) : '',
          })}
          <Link to="/shopping-list">{t.list}</Link>
          {t.addedEnd}
        </p>
      ) : null}
      {add.error ? (
        <p className="field-error" role="alert">
          {describeError(add.error).message}
        </p>
      ) : null}
    </section>
  );
}

/** The private iCalendar link: make one, make a new one (the old stops working), or turn it off. */
function CalendarFeed() {
  const { transport, client } = usePlan();
  const queryClient = useQueryClient();
  const url = useSuspenseQuery(mealPlanFeedQuery(transport)).data;
  const id = useId();
  const set = (next: string) => queryClient.setQueryData(mealPlanFeedQuery(transport).queryKey, next);
  const create = useMutation({ mutationFn: () => client.createMealPlanFeed({}), onSuccess: (res) => set(res.url) });
  const revoke = useMutation({ mutationFn: () => client.revokeMealPlanFeed({}), onSuccess: () => set('') });
  const t = useMessages(messages);
  return (
    <section className="plan__feed" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t.calendar}</h2>
      {url ? (
        <>
          <p>{t.feedText}</p>
          <label htmlFor={`${id}-url`}>{t.feedLink}</label>
          <input id={`${id}-url`} className="plan__feed-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
          <div className="plan__feed-actions">
            <button
              type="button"
              className="button button--small button--quiet"
              disabled={create.isPending}
              onClick={() => create.mutate()}
            >
              {t.newLink}
            </button>
            <button
              type="button"
              className="button button--small button--quiet"
              disabled={revoke.isPending}
              onClick={() => revoke.mutate()}
            >
              {t.linkOff}
            </button>
          </div>
        </>
      ) : (
        <>
          <p>{t.noFeed}</p>
          <button type="button" className="button button--small" disabled={create.isPending} onClick={() => create.mutate()}>
            {t.createFeed}
          </button>
        </>
      )}
    </section>
  );
}
