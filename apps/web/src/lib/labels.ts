import { DietaryFlag, Difficulty, MealType } from '@yeet/contract';

export const difficultyLabels: Record<Difficulty, string> = {
  [Difficulty.UNSPECIFIED]: '',
  [Difficulty.EASY]: 'Easy',
  [Difficulty.MEDIUM]: 'Medium',
  [Difficulty.HARD]: 'Hard',
};

export const mealTypeLabels: Record<MealType, string> = {
  [MealType.UNSPECIFIED]: '',
  [MealType.BREAKFAST]: 'Breakfast',
  [MealType.LUNCH]: 'Lunch',
  [MealType.DINNER]: 'Dinner',
  [MealType.DESSERT]: 'Dessert',
  [MealType.SNACK]: 'Snack',
  [MealType.DRINK]: 'Drink',
  [MealType.SIDE]: 'Side',
};

export const dietaryLabels: Record<DietaryFlag, string> = {
  [DietaryFlag.UNSPECIFIED]: '',
  [DietaryFlag.VEGETARIAN]: 'Vegetarian',
  [DietaryFlag.VEGAN]: 'Vegan',
  [DietaryFlag.GLUTEN_FREE]: 'Gluten-free',
  [DietaryFlag.DAIRY_FREE]: 'Dairy-free',
  [DietaryFlag.NUT_FREE]: 'Nut-free',
};
