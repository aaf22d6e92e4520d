// The importer's entry point on its own (`@yeet/api/import`): `yeet import-html` loads only
// this, not the whole API, because scoring runs it once per page.
export { extractRecipe, flatRecipe, pageAddress, type ExtractedRecipe } from './extract.ts';
export {
  checkUrl,
  fetchGuardDefaults,
  fetchImage,
  fetchPage,
  refusedAddress,
  type FetchGuardOptions,
  type FetchedImage,
  type FetchedPage,
} from './fetch-guard.ts';
