import { isUnitSystem, type UnitSystem } from '@yeet/domain/units';
import { useEffect, useSyncExternalStore } from 'react';

/** How a reader wants quantities shown: as the recipe writes them, or converted. */
export type UnitChoice = UnitSystem | 'written';
export const isUnitChoice = (value: unknown): value is UnitChoice => value === 'written' || isUnitSystem(value);

/**
 * The reader's choice is kept in this browser (localStorage), never sent to the server:
 * recipe pages are rendered once and shared by every visitor through the page cache, so the
 * server renders only what the URL says (`?units=`, the choice of a browser without
 * JavaScript) and the browser applies its own choice once the page has hydrated. There is no
 * account setting to keep it in yet (docs/decisions/0038-unit-preference.md).
 */
const key = 'yeet-units';
const listeners = new Set<() => void>();
// what was chosen on this page, for browsers whose storage refuses to keep it
let chosenHere: UnitChoice | null = null;

function stored(): UnitChoice | null {
  try {
    const value = localStorage.getItem(key);
    return isUnitChoice(value) ? value : null;
  } catch {
    return null; // storage blocked (a privacy setting): the URL's choice, or as written
  }
}

export function chooseUnits(choice: UnitChoice): void {
  try {
    localStorage.setItem(key, choice);
  } catch {
    // not kept, but shown on this page all the same
  }
  chosen(choice);
}

function chosen(choice: UnitChoice): void {
  chosenHere = choice;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  // another tab changed it
  addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    removeEventListener('storage', listener);
  };
}

/**
 * The reader's choice: this browser's, else the one this visit was opened with (a link with
 * `?units=`, kept when changing the servings drops it from the URL), else as written.
 */
export function useUnitChoice(fromUrl: unknown): UnitChoice {
  const url = isUnitChoice(fromUrl) ? fromUrl : null;
  // the server, and the browser while hydrating, read null: both render the URL's choice
  const mine = useSyncExternalStore(
    subscribe,
    () => stored() ?? chosenHere,
    () => null,
  );
  useEffect(() => {
    // for this visit only: a shared link is not this browser's choice
    if (url !== null && stored() === null && chosenHere === null) chosen(url);
  }, [url]);
  return mine ?? url ?? 'written';
}
