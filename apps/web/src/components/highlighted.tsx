import type { HighlightedText } from '@yeet/contract';

/** Text with the words that matched the search marked. */
export function Highlighted({ text, fallback }: { text: HighlightedText | undefined; fallback: string }) {
  const fragments = text?.fragments ?? [];
  if (fragments.length === 0) return <>{fallback}</>;
  return (
    <>
      {fragments.map((f, i) => (f.matched ? <mark key={i}>{f.text}</mark> : <span key={i}>{f.text}</span>))}
    </>
  );
}
