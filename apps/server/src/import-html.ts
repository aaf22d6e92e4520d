import { extractRecipe, flatRecipe, pageAddress } from '@yeet/api/import';

/**
 * `yeet import-html <url>`: the recipe read from one page's HTML on stdin, printed as JSON
 * ({title, ingredients, instructions, totalMinutes, yields, image}). Parse only — no network;
 * the URL resolves the page's relative links. This is the contract the import corpus's
 * score.py runs, once per page.
 */
export async function importHtmlCommand(url: string | undefined): Promise<number> {
  if (!url || !URL.canParse(pageAddress(url))) {
    console.error('Which page? yeet import-html <url> < page.html (the URL the HTML came from, absolute)');
    return 2;
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const recipe = extractRecipe(Buffer.concat(chunks).toString('utf8'), url);
  process.stdout.write(`${JSON.stringify(flatRecipe(recipe))}\n`);
  return 0;
}
