/**
 * Stand-in artwork until a recipe has a cover photo: a warm gradient picked from the slug
 * (so each recipe keeps its colours) with the dish's initial.
 */
const palettes = [
  ['#f97316', '#fde68a'],
  ['#dc2626', '#fca5a5'],
  ['#16a34a', '#bbf7d0'],
  ['#0d9488', '#99f6e4'],
  ['#ca8a04', '#fef08a'],
  ['#9333ea', '#e9d5ff'],
  ['#e11d48', '#fecdd3'],
  ['#2563eb', '#bfdbfe'],
] as const;

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export function CoverPlaceholder({ slug, title, className = '' }: { slug: string; title: string; className?: string }) {
  const [from, to] = palettes[hash(slug) % palettes.length]!;
  return (
    <div
      className={`cover ${className}`}
      role="img"
      aria-label={`No photo yet for ${title}`}
      style={{ backgroundImage: `linear-gradient(135deg, ${from}, ${to})` }}
    >
      <span className="cover__initial" aria-hidden="true">
        {title.charAt(0)}
      </span>
    </div>
  );
}
