export * from './caller.ts';
export * from './errors.ts';
export * from './event.ts';
export * from './lifecycle.ts';
export * from './rating.ts';
export * from './recipe.ts';
export * from './recipe-content.ts';
export * from './text.ts';
