import type { Highlight } from '../lib/search';

/** Text with the words that matched the search marked. */
export function Highlighted({ text, fallback }: { text: Highlight | undefined; fallback: string }) {
  const fragments = text?.fragments ?? [];
  if (fragments.length === 0) return <>{fallback}</>;
  // each fragment is known by where it starts in the text
  let start = 0;
  const parts = fragments.map((f) => {
    const key = start;
    start += f.text.length;
    return f.matched ? <mark key={key}>{f.text}</mark> : <span key={key}>{f.text}</span>;
  });
  return <>{parts}</>;
}
