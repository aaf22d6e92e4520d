import type { UserRef } from './caller.ts';
import { invalidArgument, type FieldViolation } from './errors.ts';
import { hasControlCharacters } from './text.ts';

export const maxReviewLength = 2000;

export interface Rating {
  recipeId: string;
  user: UserRef;
  stars: number;
  review: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface RatingInput {
  stars: number;
  review: string;
}

export function parseRatingInput(input: RatingInput): RatingInput {
  const violations: FieldViolation[] = [];
  if (!Number.isInteger(input.stars) || input.stars < 1 || input.stars > 5) {
    violations.push({ field: 'stars', description: 'give 1 to 5 stars' });
  }
  const review = input.review.trim();
  if (review.length > maxReviewLength) {
    violations.push({ field: 'review', description: `must be at most ${maxReviewLength} characters` });
  } else if (hasControlCharacters(review)) {
    violations.push({ field: 'review', description: 'contains control characters; remove them' });
  }
  if (violations.length > 0) throw invalidArgument(violations);
  return { stars: input.stars, review };
}
