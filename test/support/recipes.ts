import type { MessageInitShape } from '@bufbuild/protobuf';
import { ConnectError, Code } from '@connectrpc/connect';
import { BadRequestSchema, DietaryFlag, Difficulty, MealType, type RecipeInputSchema } from '@yeet/contract';
import { expect } from 'vitest';

export type RecipeInit = MessageInitShape<typeof RecipeInputSchema>;

let counter = 0;

/** A complete recipe, ready for review; override what a test is about. */
export function recipeInput(overrides: Record<string, unknown> = {}): RecipeInit {
  counter += 1;
  const base: RecipeInit = {
    title: `Test Tomato Soup ${counter}`,
    summary: 'A bright, quick tomato soup.',
    ingredientSections: [
      {
        name: '',
        ingredients: [
          { quantity: 800, unit: 'g', item: 'tomatoes', note: 'chopped' },
          { quantity: 1, unit: '', item: 'onion', note: '' },
          { unit: '', item: 'salt', note: 'to taste' },
        ],
      },
    ],
    steps: [{ text: 'Soften the onion.' }, { text: 'Add the tomatoes and simmer for 20 minutes.' }],
    servings: 4,
    prepMinutes: 10,
    cookMinutes: 25,
    totalMinutes: 0,
    difficulty: Difficulty.EASY,
    cuisines: ['Italian'],
    mealTypes: [MealType.LUNCH, MealType.DINNER],
    tags: ['Soup', 'weeknight'],
    dietaryFlags: [DietaryFlag.VEGAN],
  };
  return { ...base, ...overrides } as RecipeInit;
}

/** Awaits a call that must fail with `code`; returns the error for further checks. */
export async function expectCode(call: Promise<unknown>, code: Code): Promise<ConnectError> {
  try {
    await call;
  } catch (e) {
    const error = ConnectError.from(e);
    expect(Code[error.code], error.rawMessage).toBe(Code[code]);
    return error;
  }
  throw new Error(`expected ${Code[code]}, but the call succeeded`);
}

/** Field paths of the BadRequest detail on an InvalidArgument / FailedPrecondition error. */
export function violatedFields(error: ConnectError): string[] {
  return error.findDetails(BadRequestSchema).flatMap((d) => d.fieldViolations.map((v) => v.field));
}
