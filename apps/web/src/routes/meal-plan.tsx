import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from '@tanstack/react-query';
import { createFileRoute, Link } from '@tanstack/react-router';
import { mealSlotValues, weekStartValues, type MealPlanEntry } from '@yeet/contract';
import { addDays, mealPlanLimits } from '@yeet/domain/meal-plan';
import { mealSlotLabels, mealSlots, type MealSlot } from '@yeet/domain/values';
import { useId, useState } from 'react';
import { ErrorPage, NotFoundPage } from '../components/pages';
import { requireUser } from '../lib/auth';
import { describeError } from '../lib/errors';
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
import { onLoadError } from '../lib/status';
import { searchClient } from '../lib/rpc';

export const Route = createFileRoute('/meal-plan')({
  validateSearch: validatePlanSearch,
  beforeLoad: ({ context, location }) => requireUser(context, location),
  loaderDeps: ({ search }) => search,
  loader: ({ context: { queryClient, transport }, deps }) =>
    Promise.all([
      queryClient.ensureQueryData(mealPlanQuery(transport, deps)),
      queryClient.ensureQueryData(mealPlanFeedQuery(transport)),
    ]),
  onError: onLoadError,
  errorComponent: ErrorPage,
  notFoundComponent: NotFoundPage,
  head: () => ({ meta: [{ title: 'Meal plan — Eat or Yeet' }] }),
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
  return (
    <section className="plan" aria-labelledby={`${id}-title`}>
      <div className="page-head">
        <h1 id={`${id}-title`}>Meal plan</h1>
      </div>
      <nav className="plan__weeks" aria-label="Weeks">
        <Link to="/meal-plan" search={step(-7)} className="button button--small button--quiet" rel="prev">
          <span aria-hidden="true">←</span> Previous week
        </Link>
        <p className="plan__range" aria-live="polite">
          {weekLabel(week.startDate, week.endDate)}
        </p>
        <Link to="/meal-plan" search={step(7)} className="button button--small button--quiet" rel="next">
          Next week <span aria-hidden="true">→</span>
        </Link>
      </nav>
      <p className="plan__this-week">
        <Link to="/meal-plan" search={{ ...search, week: undefined }}>
          This week
        </Link>
        {' · '}
        <WeekStartLinks />
      </p>

      <AddToPlan days={week.days.map((d) => d.date)} />

      {week.days.map((day) => (
        <section key={day.date} className="plan__day" aria-labelledby={`${id}-${day.date}`}>
          <h2 id={`${id}-${day.date}`}>{dayLabel(day.date)}</h2>
          {day.entries.length === 0 ? (
            <p className="plan__empty">Nothing planned.</p>
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
  return (
    <span className="plan__start">
      Weeks start on{' '}
      {(['monday', 'sunday'] as const).map((start, i) => (
        <span key={start}>
          {i ? ' or ' : ''}
          {start === current ? (
            <strong>{start === 'monday' ? 'Monday' : 'Sunday'}</strong>
          ) : (
            <Link to="/meal-plan" search={{ ...search, start }}>
              {start === 'monday' ? 'Monday' : 'Sunday'}
            </Link>
          )}
        </span>
      ))}
    </span>
  );
}

/** Day and slot pickers, shared by adding and moving. */
function DaySlotFields({ id, days, day, slot }: { id: string; days: string[]; day?: string; slot?: MealSlot }) {
  return (
    <div className="field-row">
      <div className="field">
        <label htmlFor={`${id}-day`}>Day</label>
        <select id={`${id}-day`} name="day" defaultValue={day ?? days[0]}>
          {days.map((d) => (
            <option key={d} value={d}>
              {dayLabel(d)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-slot`}>Meal</label>
        <select id={`${id}-slot`} name="slot" defaultValue={slot ?? 'dinner'}>
          {mealSlots.map((s) => (
            <option key={s} value={s}>
              {mealSlotLabels[s]}
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
  return (
    <section className="plan__add" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Add to the plan</h2>
      <form
        className="plan__search"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked(query.trim());
        }}
      >
        <label htmlFor={`${id}-q`}>Find a recipe</label>
        <div className="plan__search-row">
          <input
            id={`${id}-q`}
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="e.g. lentil soup"
            maxLength={200}
            autoComplete="off"
          />
          <button type="submit" className="button button--small">
            Search
          </button>
        </div>
      </form>
      {asked && results.data ? (
        results.data.length === 0 ? (
          <p className="plan__empty">No recipes match “{asked}”.</p>
        ) : (
          <ul className="plan__results" aria-label="Recipes found">
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
            Planning <strong>{chosen.title}</strong>{' '}
            <button type="button" className="link-button" onClick={() => setChosen(null)}>
              (write a note instead)
            </button>
          </p>
        ) : (
          <div className="field">
            <label htmlFor={`${id}-note`}>Or a note</label>
            <input
              id={`${id}-note`}
              name="note"
              placeholder="e.g. Eating out"
              maxLength={mealPlanLimits.note.max}
              aria-invalid={Boolean(error?.fields.note)}
            />
          </div>
        )}
        <DaySlotFields id={id} days={days} />
        {chosen ? (
          <div className="field">
            <label htmlFor={`${id}-servings`}>Servings</label>
            <input
              id={`${id}-servings`}
              name="servings"
              type="number"
              inputMode="numeric"
              min={mealPlanLimits.servings.min}
              max={mealPlanLimits.servings.max}
              placeholder="As the recipe"
              aria-invalid={Boolean(error?.fields.servings)}
            />
          </div>
        ) : null}
        <button type="submit" className="button" disabled={add.isPending}>
          Add to plan
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
  const title = recipe ? (recipe.available ? recipe.title : 'A recipe that is no longer available') : String(entry.item.value);
  return (
    <li className="plan__entry">
      <p className="plan__what">
        <span className="plan__slot">{mealSlotLabels[slot]}</span>{' '}
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
          <label htmlFor={`${id}-servings`}>Servings</label>
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
            Save
          </button>
        </form>
      ) : null}
      <details className="plan__move">
        <summary>
          Move<span className="visually-hidden"> {title}</span>
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
            Move here
          </button>
        </form>
      </details>
      <button
        type="button"
        className="button button--small button--quiet plan__remove"
        disabled={remove.isPending}
        onClick={() => remove.mutate()}
      >
        Remove<span className="visually-hidden"> {title}</span>
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
  return (
    <section className="plan__shop" aria-label="Shopping">
      <button type="button" className="button" disabled={!planned || add.isPending} onClick={() => add.mutate()}>
        Add this week to shopping list
      </button>
      {add.isSuccess ? (
        <p className="notice" role="status">
          Added {add.data.recipesAdded} {add.data.recipesAdded === 1 ? 'recipe' : 'recipes'}
          {add.data.recipesSkipped ? ` (${add.data.recipesSkipped} no longer available, left out)` : ''} to your{' '}
          <Link to="/shopping-list">shopping list</Link>.
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
  return (
    <section className="plan__feed" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>In your calendar</h2>
      {url ? (
        <>
          <p>
            Subscribe to this private link in your calendar app to see your meals there. Anyone with the link can read your plan.
          </p>
          <label htmlFor={`${id}-url`}>Calendar link</label>
          <input id={`${id}-url`} className="plan__feed-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
          <div className="plan__feed-actions">
            <button
              type="button"
              className="button button--small button--quiet"
              disabled={create.isPending}
              onClick={() => create.mutate()}
            >
              Make a new link
            </button>
            <button
              type="button"
              className="button button--small button--quiet"
              disabled={revoke.isPending}
              onClick={() => revoke.mutate()}
            >
              Turn the link off
            </button>
          </div>
        </>
      ) : (
        <>
          <p>Get a private link to see your meal plan in Google Calendar, Apple Calendar or Outlook.</p>
          <button type="button" className="button button--small" disabled={create.isPending} onClick={() => create.mutate()}>
            Create a calendar link
          </button>
        </>
      )}
    </section>
  );
}
