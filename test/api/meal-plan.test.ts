import { Code } from '@connectrpc/connect';
import { MealPlanService, MealSlot, UserService, WeekStart, type MealPlanEntry } from '@yeet/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { expectCode, recipeInput, violatedFields } from '../support/recipes.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform();
});
afterAll(() => t?.stop());

let seq = 0;
/** A person of their own per test: plans never overlap. */
const person = (who = 'cook') => `${who}-plan-${++seq}`;
const plans = (handle?: string) => t.client(MealPlanService, handle, handle ? ['user'] : []);

async function publishedRecipe(overrides: Record<string, unknown> = {}) {
  const author = t.recipes('alice', ['author']);
  const { recipe } = await author.createRecipe({ recipe: recipeInput(overrides) });
  await author.submitRecipe({ id: recipe!.id });
  await t.recipes('erin', ['editor']).approveRecipe({ id: recipe!.id });
  return recipe!;
}

const summary = (e: MealPlanEntry) =>
  `${e.date} ${MealSlot[e.slot]} ${e.item.case === 'recipe' ? e.item.value.title : e.item.value}`;

describe('GetMealPlan', () => {
  it('gives the week holding a day, Monday first unless another start is asked for', async () => {
    const me = plans(person());
    // Thursday 3 December 2026
    const monday = await me.getMealPlan({ date: '2026-12-03' });
    expect([monday.startDate, monday.endDate]).toEqual(['2026-11-30', '2026-12-06']);
    expect(monday.days.map((d) => d.date)).toEqual([
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
      '2026-12-04',
      '2026-12-05',
      '2026-12-06',
    ]);
    const sunday = await me.getMealPlan({ date: '2026-12-03', weekStart: WeekStart.SUNDAY });
    expect([sunday.startDate, sunday.endDate]).toEqual(['2026-11-29', '2026-12-05']);
    const saturday = await me.getMealPlan({ date: '2026-12-03', weekStart: WeekStart.SATURDAY });
    expect([saturday.startDate, saturday.endDate]).toEqual(['2026-11-28', '2026-12-04']);
    // a Monday is its own week's first day; a Sunday its Monday-week's last
    expect((await me.getMealPlan({ date: '2026-11-30' })).startDate).toBe('2026-11-30');
    expect((await me.getMealPlan({ date: '2026-12-06' })).startDate).toBe('2026-11-30');
    // across a year's end, and a leap day
    const newYear = await me.getMealPlan({ date: '2027-01-01' });
    expect([newYear.startDate, newYear.endDate]).toEqual(['2026-12-28', '2027-01-03']);
    expect((await me.getMealPlan({ date: '2028-03-01' })).days.map((d) => d.date)).toContain('2028-02-29');
  });

  it('puts an entry in the weeks that hold its day, and only those', async () => {
    const handle = person();
    const me = plans(handle);
    await me.addMealPlanEntry({ date: '2026-11-29', slot: MealSlot.DINNER, note: 'Sunday roast' });
    const mondayWeek = await me.getMealPlan({ date: '2026-12-03' });
    expect(mondayWeek.days.flatMap((d) => d.entries)).toEqual([]);
    const sundayWeek = await me.getMealPlan({ date: '2026-12-03', weekStart: WeekStart.SUNDAY });
    expect(sundayWeek.days[0]!.entries.map(summary)).toEqual(['2026-11-29 DINNER Sunday roast']);
    expect((await me.getMealPlan({ date: '2026-11-23' })).days[6]!.entries.map(summary)).toEqual([
      '2026-11-29 DINNER Sunday roast',
    ]);
  });

  it('shows each day in slot order, and a slot in the order entries were put there', async () => {
    const me = plans(person());
    const soup = await publishedRecipe({ title: 'Plan Order Soup' });
    await me.addMealPlanEntry({ date: '2026-12-01', slot: MealSlot.SNACK, note: 'Apples' });
    await me.addMealPlanEntry({ date: '2026-12-01', slot: MealSlot.DINNER, recipeId: soup.id });
    await me.addMealPlanEntry({ date: '2026-12-01', slot: MealSlot.BREAKFAST, note: 'Porridge' });
    await me.addMealPlanEntry({ date: '2026-12-01', slot: MealSlot.DINNER, note: 'Bread on the side' });
    const week = await me.getMealPlan({ date: '2026-12-01' });
    expect(week.days[1]!.entries.map(summary)).toEqual([
      '2026-12-01 BREAKFAST Porridge',
      '2026-12-01 DINNER Plan Order Soup',
      '2026-12-01 DINNER Bread on the side',
      '2026-12-01 SNACK Apples',
    ]);
  });

  it('refuses a day that is not a calendar day, naming the field', async () => {
    const me = plans(person());
    for (const date of ['2026-02-30', '2026-13-01', '30.11.2026', '2026-1-5', '19999-01-01', '1999-12-31']) {
      const error = await expectCode(me.getMealPlan({ date }), Code.InvalidArgument);
      expect(violatedFields(error)).toEqual(['date']);
    }
    await expectCode(plans().getMealPlan({}), Code.Unauthenticated);
  });
});

describe('AddMealPlanEntry', () => {
  it("plans a published recipe at the recipe's servings unless others are given", async () => {
    const me = plans(person());
    const soup = await publishedRecipe({ title: 'Plan Servings Soup', servings: 4 });
    const { entry } = await me.addMealPlanEntry({ date: '2026-12-02', slot: MealSlot.LUNCH, recipeId: soup.id });
    expect(entry).toMatchObject({
      date: '2026-12-02',
      slot: MealSlot.LUNCH,
      servings: 4,
      item: {
        case: 'recipe',
        value: { id: soup.id, slug: soup.slug, title: 'Plan Servings Soup', servings: 4, available: true },
      },
    });
    const six = await me.addMealPlanEntry({ date: '2026-12-02', slot: MealSlot.DINNER, recipeId: soup.id, servings: 6 });
    expect(six.entry?.servings).toBe(6);
  });

  it("plans the person's own draft, and nobody else's", async () => {
    const writer = person('writer');
    const { recipe: draft } = await t
      .recipes(writer, ['author'])
      .createRecipe({ recipe: recipeInput({ title: 'My Draft Stew' }) });
    const own = await t.client(MealPlanService, writer, ['author']).addMealPlanEntry({
      date: '2026-12-02',
      slot: MealSlot.DINNER,
      recipeId: draft!.id,
    });
    expect(own.entry?.item).toMatchObject({ case: 'recipe', value: { title: 'My Draft Stew', available: true } });
    // someone else's draft is as unknown as an id nobody used: not_found, nothing about it
    const other = await expectCode(
      plans(person()).addMealPlanEntry({ date: '2026-12-02', slot: MealSlot.DINNER, recipeId: draft!.id }),
      Code.NotFound,
    );
    expect(other.rawMessage).not.toContain('Stew');
    const unknown = await expectCode(
      plans(person()).addMealPlanEntry({
        date: '2026-12-02',
        slot: MealSlot.DINNER,
        recipeId: '00000000-0000-4000-8000-000000000000',
      }),
      Code.NotFound,
    );
    expect(unknown.rawMessage).toBe(other.rawMessage);
  });

  it('refuses servings out of range, a missing slot, and an entry that is neither or both, naming the field', async () => {
    const me = plans(person());
    const soup = await publishedRecipe();
    for (const servings of [-1, 101, 1000]) {
      const error = await expectCode(
        me.addMealPlanEntry({ date: '2026-12-02', slot: MealSlot.DINNER, recipeId: soup.id, servings }),
        Code.InvalidArgument,
      );
      expect(violatedFields(error)).toEqual(['servings']);
    }
    const cases: Array<[Parameters<ReturnType<typeof plans>['addMealPlanEntry']>[0], string]> = [
      [{ date: '2026-12-02', recipeId: soup.id }, 'slot'],
      [{ date: '', slot: MealSlot.DINNER, recipeId: soup.id }, 'date'],
      [{ date: '2026-12-02', slot: MealSlot.DINNER }, 'recipeId'],
      [{ date: '2026-12-02', slot: MealSlot.DINNER, recipeId: 'soup' }, 'recipeId'],
      [{ date: '2026-12-02', slot: MealSlot.DINNER, recipeId: soup.id, note: 'and a note' }, 'note'],
      [{ date: '2026-12-02', slot: MealSlot.DINNER, note: 'x'.repeat(201) }, 'note'],
      [{ date: '2026-12-02', slot: MealSlot.DINNER, note: 'two\nlines' }, 'note'],
      [{ date: '2026-12-02', slot: MealSlot.DINNER, note: 'Pasta', servings: 2 }, 'servings'],
    ];
    for (const [request, field] of cases) {
      const error = await expectCode(me.addMealPlanEntry(request), Code.InvalidArgument);
      expect(violatedFields(error), JSON.stringify(request)).toEqual([field]);
    }
    expect((await me.getMealPlan({ date: '2026-12-02' })).days.flatMap((d) => d.entries)).toEqual([]);
  });
});

describe('changing entries', () => {
  it('moves an entry to another day and slot, last in that slot', async () => {
    const me = plans(person());
    const { entry: pizza } = await me.addMealPlanEntry({ date: '2026-12-01', slot: MealSlot.DINNER, note: 'Pizza' });
    await me.addMealPlanEntry({ date: '2026-12-04', slot: MealSlot.LUNCH, note: 'Salad' });
    const moved = await me.moveMealPlanEntry({ id: pizza!.id, date: '2026-12-04', slot: MealSlot.LUNCH });
    expect(summary(moved.entry!)).toBe('2026-12-04 LUNCH Pizza');
    const week = await me.getMealPlan({ date: '2026-12-01' });
    expect(week.days[1]!.entries).toEqual([]);
    expect(week.days[4]!.entries.map(summary)).toEqual(['2026-12-04 LUNCH Salad', '2026-12-04 LUNCH Pizza']);
    // to another week, where the old week no longer shows it
    await me.moveMealPlanEntry({ id: pizza!.id, date: '2026-12-08', slot: MealSlot.DINNER });
    expect((await me.getMealPlan({ date: '2026-12-01' })).days[4]!.entries.map(summary)).toEqual(['2026-12-04 LUNCH Salad']);
    expect((await me.getMealPlan({ date: '2026-12-08' })).days[1]!.entries.map(summary)).toEqual(['2026-12-08 DINNER Pizza']);
  });

  it("changes a recipe's servings and a note's text, and refuses what does not fit", async () => {
    const me = plans(person());
    const soup = await publishedRecipe();
    const { entry } = await me.addMealPlanEntry({ date: '2026-12-03', slot: MealSlot.DINNER, recipeId: soup.id });
    expect((await me.updateMealPlanEntry({ id: entry!.id, servings: 8 })).entry?.servings).toBe(8);
    for (const servings of [0, 101]) {
      const error = await expectCode(me.updateMealPlanEntry({ id: entry!.id, servings }), Code.InvalidArgument);
      expect(violatedFields(error)).toEqual(['servings']);
    }
    await expectCode(me.updateMealPlanEntry({ id: entry!.id, note: 'Soup' }), Code.FailedPrecondition);
    const { entry: note } = await me.addMealPlanEntry({ date: '2026-12-03', slot: MealSlot.LUNCH, note: 'Leftovers' });
    expect((await me.updateMealPlanEntry({ id: note!.id, note: '  Leftover soup ' })).entry?.item).toEqual({
      case: 'note',
      value: 'Leftover soup',
    });
    await expectCode(me.updateMealPlanEntry({ id: note!.id, servings: 2 }), Code.FailedPrecondition);
    expect((await me.getMealPlan({ date: '2026-12-03' })).days[3]!.entries.map((e) => e.servings)).toEqual([0, 8]);
  });

  it('removes an entry once; then it is not found', async () => {
    const me = plans(person());
    const { entry } = await me.addMealPlanEntry({ date: '2026-12-03', slot: MealSlot.SNACK, note: 'Nuts' });
    await me.removeMealPlanEntry({ id: entry!.id });
    expect((await me.getMealPlan({ date: '2026-12-03' })).days[3]!.entries).toEqual([]);
    await expectCode(me.removeMealPlanEntry({ id: entry!.id }), Code.NotFound);
  });

  it("never reaches another person's entry: not found, and the entry stays as it was", async () => {
    const owner = plans(person('owner'));
    const { entry } = await owner.addMealPlanEntry({ date: '2026-12-03', slot: MealSlot.DINNER, note: 'Secret dinner' });
    const stranger = plans(person('stranger'));
    await expectCode(stranger.moveMealPlanEntry({ id: entry!.id, date: '2026-12-04', slot: MealSlot.LUNCH }), Code.NotFound);
    await expectCode(stranger.updateMealPlanEntry({ id: entry!.id, note: 'Mine now' }), Code.NotFound);
    await expectCode(stranger.removeMealPlanEntry({ id: entry!.id }), Code.NotFound);
    expect((await stranger.getMealPlan({ date: '2026-12-03' })).days.flatMap((d) => d.entries)).toEqual([]);
    expect((await owner.getMealPlan({ date: '2026-12-03' })).days[3]!.entries.map(summary)).toEqual([
      '2026-12-03 DINNER Secret dinner',
    ]);
  });

  it('shows a planned recipe that was unpublished as unavailable, without its content', async () => {
    const me = plans(person());
    const soup = await publishedRecipe({ title: 'Soon Gone Soup' });
    await me.addMealPlanEntry({ date: '2026-12-05', slot: MealSlot.DINNER, recipeId: soup.id });
    await t.recipes('erin', ['editor']).unpublishRecipe({ id: soup.id });
    const [entry] = (await me.getMealPlan({ date: '2026-12-05' })).days[5]!.entries;
    expect(entry?.item).toEqual({
      case: 'recipe',
      value: expect.objectContaining({ id: soup.id, title: '', slug: '', available: false }),
    });
  });
});

describe('AddMealPlanToShoppingList', () => {
  const grams = (line: { quantity?: number | null; unit: string }) =>
    (line.quantity ?? 0) * ({ g: 1, kg: 1000 } as Record<string, number>)[line.unit]!;

  it('adds every recipe planned in the week at its servings, merged, and nothing else', async () => {
    const handle = person('shopper');
    const me = plans(handle);
    const { user } = await t.client(UserService, handle, ['user']).getMe({});
    // 800 g tomatoes for 4 servings
    const soup = await publishedRecipe({ title: 'Shopping Week Soup', servings: 4 });
    const gone = await publishedRecipe({ title: 'Shopping Gone Soup', servings: 4 });
    await me.addMealPlanEntry({ date: '2026-11-30', slot: MealSlot.DINNER, recipeId: soup.id, servings: 2 });
    await me.addMealPlanEntry({ date: '2026-12-02', slot: MealSlot.LUNCH, recipeId: soup.id, servings: 4 });
    await me.addMealPlanEntry({ date: '2026-12-06', slot: MealSlot.DINNER, recipeId: gone.id, servings: 4 });
    await me.addMealPlanEntry({ date: '2026-12-03', slot: MealSlot.DINNER, note: 'Buy nothing for this' });
    // the next week's recipe stays off the list
    await me.addMealPlanEntry({ date: '2026-12-07', slot: MealSlot.DINNER, recipeId: soup.id, servings: 8 });
    await t.recipes('erin', ['editor']).unpublishRecipe({ id: gone.id });

    const added = await me.addMealPlanToShoppingList({ date: '2026-12-03' });
    expect(added).toMatchObject({ recipesAdded: 2, recipesSkipped: 1 });
    const lines = await t.platform.api!.data.stores.shoppingLists.lines(user!.id);
    const tomatoes = lines.filter((l) => /tomato/i.test(l.item));
    // 400 g (2 servings) + 800 g (4 servings), one line
    expect(tomatoes).toHaveLength(1);
    expect(grams(tomatoes[0]!)).toBeCloseTo(1200);
    expect(lines.flatMap((l) => l.sources.map((s) => s.recipeId))).not.toContain(gone.id);
    expect(lines.some((l) => /buy nothing/i.test(l.item))).toBe(false);

    // a week without recipes adds nothing
    expect(await me.addMealPlanToShoppingList({ date: '2027-03-03' })).toMatchObject({ recipesAdded: 0, recipesSkipped: 0 });
    expect((await t.platform.api!.data.stores.shoppingLists.lines(user!.id)).length).toBe(lines.length);
  });
});

describe('the data export', () => {
  it("holds the person's own entries as plain JSON, without the content of recipes they may no longer read", async () => {
    const handle = person('exporter');
    const me = plans(handle);
    const { user } = await t.client(UserService, handle, ['user']).getMe({});
    const soup = await publishedRecipe({ title: 'Exported Soup' });
    const gone = await publishedRecipe({ title: 'Withdrawn Soup' });
    await me.addMealPlanEntry({ date: '2026-12-01', slot: MealSlot.DINNER, recipeId: soup.id, servings: 3 });
    await me.addMealPlanEntry({ date: '2026-12-02', slot: MealSlot.LUNCH, recipeId: gone.id });
    await me.addMealPlanEntry({ date: '2026-12-03', slot: MealSlot.SNACK, note: 'Fruit' });
    await plans(person('someone-else')).addMealPlanEntry({ date: '2026-12-01', slot: MealSlot.DINNER, note: 'Not theirs' });
    await t.recipes('erin', ['editor']).unpublishRecipe({ id: gone.id });
    await me.createMealPlanFeed({});

    const exported = await t.platform.api!.data.stores.mealPlans.mealPlanForExport(user!.id);
    expect(JSON.parse(JSON.stringify(exported))).toEqual(exported);
    expect(exported.entries.map((e) => [e.day, e.slot, e.recipeTitle ?? e.note, e.servings])).toEqual([
      ['2026-12-01', 'dinner', 'Exported Soup', 3],
      ['2026-12-02', 'lunch', null, 4],
      ['2026-12-03', 'snack', 'Fruit', null],
    ]);
    expect(exported.entries[1]?.recipeId).toBe(gone.id);
    expect(exported.calendarFeed).toEqual({ createdAt: expect.any(String) });
    expect(JSON.stringify(exported)).not.toMatch(/Withdrawn|Not theirs|token/);
  });
});

/** The lines of iCalendar text, unfolded (RFC 5545 3.1). */
const unfold = (text: string) => text.replace(/\r\n[ \t]/g, '').split('\r\n');
const tokenOf = (url: string) => /\/plan\/([A-Za-z0-9_-]+)\.ics$/.exec(url)?.[1] ?? '';

describe('the calendar feed', () => {
  it('is valid iCalendar: CRLF lines of at most 75 octets, folded and escaped, one all-day event per entry', async () => {
    const me = plans(person());
    const soup = await publishedRecipe({ title: 'Feed Soup' });
    const day = new Date().toISOString().slice(0, 10);
    await me.addMealPlanEntry({ date: day, slot: MealSlot.DINNER, recipeId: soup.id, servings: 3 });
    const note = 'Eat out; with Anna, Ben & Chloé \\ maybe — if the weather is nice, the café by the river with the long queue';
    await me.addMealPlanEntry({ date: day, slot: MealSlot.LUNCH, note });
    const { url } = await me.createMealPlanFeed({});
    expect(url).toMatch(/^http.*\/plan\/[A-Za-z0-9_-]{43}\.ics$/);
    expect((await me.getMealPlanFeed({})).url).toBe(url);

    const { calendar } = await plans().getMealPlanCalendar({ token: tokenOf(url) });
    expect(calendar.endsWith('\r\n')).toBe(true);
    expect(calendar.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    for (const line of calendar.slice(0, -2).split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);
    const lines = unfold(calendar);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.at(-2)).toBe('END:VCALENDAR');
    expect(lines).toContain('VERSION:2.0');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(2);
    const compact = day.replaceAll('-', '');
    expect(lines.filter((l) => l === `DTSTART;VALUE=DATE:${compact}`)).toHaveLength(2);
    expect(lines).toContain('SUMMARY:Dinner: Feed Soup');
    // the note's comma, semicolon and backslash escaped, and folded without breaking the é
    expect(lines).toContain(
      'SUMMARY:Lunch: Eat out\\; with Anna\\, Ben & Chloé \\\\ maybe — if the weather is nice\\, the café by the river with the long queue',
    );
    expect(lines.some((l) => /^DESCRIPTION:3 servings\\n.*\/r\/.+$/.test(l))).toBe(true);
    expect(lines.filter((l) => /^UID:meal-plan-[0-9a-f-]{36}@/.test(l))).toHaveLength(2);
    expect(lines.filter((l) => /^DTSTAMP:\d{8}T\d{6}Z$/.test(l))).toHaveLength(2);
  });

  it('stops answering once rotated or revoked', async () => {
    const me = plans(person());
    const first = (await me.createMealPlanFeed({})).url;
    const second = (await me.createMealPlanFeed({})).url;
    expect(second).not.toBe(first);
    await expectCode(plans().getMealPlanCalendar({ token: tokenOf(first) }), Code.NotFound);
    await plans().getMealPlanCalendar({ token: tokenOf(second) });
    await me.revokeMealPlanFeed({});
    expect((await me.getMealPlanFeed({})).url).toBe('');
    await expectCode(plans().getMealPlanCalendar({ token: tokenOf(second) }), Code.NotFound);
    await expectCode(plans().getMealPlanCalendar({ token: 'not a token' }), Code.NotFound);
  });
});
