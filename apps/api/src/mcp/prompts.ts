import { cuisines, dietaryFlags, difficulties, mealTypes } from '@yeet/domain';
import { z } from 'zod';

/** Prompts an assistant can offer its user: they turn into messages that use the tools well. */
export const prompts = [
  {
    name: 'recipe_from_text',
    title: 'Turn a recipe text into a draft',
    description: 'Paste a recipe from anywhere (a note, an email, a web page) and get it saved as a well-formed draft.',
    args: { text: z.string().min(1).max(20_000).describe('The recipe as you have it.') },
    message: ({ text }: { text: string }) =>
      [
        'Turn the recipe below into a draft on Eat or Yeet with the create_recipe_draft tool.',
        '',
        'How to fill the fields:',
        '- title: the dish as people search for it; summary: one or two appetising sentences in your own words.',
        '- ingredient_sections: one section per component ("Dough", "Filling") when the recipe has them, else one unnamed section. ' +
          'Each ingredient: quantity as a number (1½ → 1.5), unit as written (g, ml, tsp, tbsp, cup, clove…), item, and the preparation in note ("finely chopped").',
        '- steps: one action per step, in order, without numbers.',
        '- servings, prep_minutes, cook_minutes (and total_minutes when there is resting or marinating). Estimate from the method if the text does not say, and tell me you did.',
        `- difficulty: one of ${difficulties.join(', ')}; meal_types from ${mealTypes.join(', ')}; dietary_flags only when certain (${dietaryFlags.join(', ')}).`,
        `- cuisines from ${cuisines.join(', ')} (none when no one fits), and a few tags, lower case.`,
        'If the tool answers with invalid fields, fix exactly those and try again. Do not submit for review: show me the draft first.',
        '',
        'The recipe:',
        '"""',
        text,
        '"""',
      ].join('\n'),
  },
  {
    name: 'review_my_draft',
    title: 'Check a draft before submitting it',
    description: 'Read one of your drafts as an editor would and suggest fixes before it goes to review.',
    args: { recipe: z.string().min(1).max(300).describe('The draft: slug, id or link (list_my_recipes shows them).') },
    message: ({ recipe }: { recipe: string }) =>
      [
        `Fetch my draft "${recipe}" with get_recipe and review it as the editors will:`,
        '- is every ingredient used in the method, and every ingredient the method uses listed, with an amount?',
        '- are the steps in order, one action each, with temperatures and times?',
        '- do the times, servings, difficulty, meal types and diets fit the recipe?',
        '- is the summary appetising and accurate?',
        'List what to change. After I agree, apply the changes with update_recipe_draft; submit with submit_recipe_for_review only when I ask.',
      ].join('\n'),
  },
] as const;
