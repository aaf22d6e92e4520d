import { dietaryFlagLabels, difficultyLabels, formatMinutes, mealTypeLabels, recipeStatusLabels } from '@yeet/domain';
import type { fullRecipe, recipeSummary } from './convert.ts';

type FullRecipe = ReturnType<typeof fullRecipe>;
type RecipeSummary = ReturnType<typeof recipeSummary>;

const titleCase = (s: string) => s.replace(/(^|[\s-])\p{L}/gu, (c) => c.toUpperCase());

function ratingText(r: RecipeSummary['rating']): string {
  return r.count ? `★ ${r.average.toFixed(1)} (${r.count} ${r.count === 1 ? 'rating' : 'ratings'})` : 'no ratings yet';
}

/** A recipe as Markdown, for the model to read or quote. */
export function recipeMarkdown(r: FullRecipe): string {
  const lines = [`# ${r.title}`, '', r.summary, ''];
  const about = [
    `By ${r.author}`,
    ratingText(r.rating),
    r.cuisines.map(titleCase).join(', '),
    r.meal_types.map((m) => mealTypeLabels[m]).join(', '),
  ];
  lines.push(about.filter(Boolean).join(' · '));
  const serves =
    r.servings === r.recipe_servings ? `Serves ${r.servings}` : `Serves ${r.servings} (scaled from ${r.recipe_servings})`;
  const facts = [
    r.prep_minutes ? `Prep ${formatMinutes(r.prep_minutes)}` : '',
    r.cook_minutes ? `Cook ${formatMinutes(r.cook_minutes)}` : '',
    `Total ${formatMinutes(r.total_minutes)}`,
    serves,
    r.difficulty ? difficultyLabels[r.difficulty] : '',
  ];
  lines.push(facts.filter(Boolean).join(' · '));
  if (r.dietary_flags.length || r.tags.length)
    lines.push([...r.dietary_flags.map((d) => dietaryFlagLabels[d]), ...r.tags.map((t) => `#${t}`)].join(' · '));
  if (r.status && r.status !== 'published')
    lines.push(
      '',
      `Status: ${recipeStatusLabels[r.status]}${r.rejection_reason ? ` — editor's note: ${r.rejection_reason}` : ''}`,
    );
  lines.push('', '## Ingredients');
  for (const section of r.ingredient_sections) {
    if (section.name) lines.push('', `### ${section.name}`);
    lines.push('', ...section.ingredients.map((i) => `- ${i.text}`));
  }
  lines.push('', '## Method', '', ...r.steps.map((s, i) => `${i + 1}. ${s}`), '', `Recipe page: ${r.url}`);
  return lines.join('\n');
}

/** One line per search hit. */
export function hitLine(r: RecipeSummary): string {
  return `- **${r.title}** (\`${r.slug}\`) — ${formatMinutes(r.total_minutes)}, ${r.difficulty ?? 'any level'}, ${ratingText(r.rating)}. ${r.summary}`;
}
