import { itemAt, seedOf } from '@yeet/domain/random';
import { defineMessages, params, useMessages } from '../lib/i18n';
import type { CardImage } from '../lib/recipe-lists';

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

const messages = defineMessages('cover', { noPhoto: params('No photo yet for {title}') });

function CoverPlaceholder({ slug, title, className = '' }: { slug: string; title: string; className?: string }) {
  const [from, to] = itemAt(palettes, seedOf(slug));
  const t = useMessages(messages);
  return (
    <div
      className={`cover ${className}`}
      role="img"
      aria-label={t.noPhoto({ title })}
      style={{ backgroundImage: `linear-gradient(135deg, ${from}, ${to})` }}
    >
      <span className="cover__initial" aria-hidden="true">
        {title.charAt(0)}
      </span>
    </div>
  );
}

/**
 * A recipe photo from its signed sizes: the browser picks one for the space it has, and the
 * image's dominant colour fills the box until it arrives. Without `sizes`, the image is a
 * card's (two sizes, see recipe-lists.ts): the first for ordinary screens, the second for
 * dense ones — two URLs in the markup instead of three.
 */
export function RecipeImage({
  image,
  alt,
  sizes,
  className = '',
  priority = false,
}: {
  /** A recipe's Image, or a card's cut of one. */
  image: CardImage;
  alt: string;
  sizes?: string;
  className?: string;
  priority?: boolean;
}) {
  const smallest = image.variants[0];
  if (!smallest) return null;
  const dense = image.variants[1];
  return (
    <img
      className={`photo ${className}`}
      {...(sizes
        ? {
            src: (image.variants[Math.min(2, image.variants.length - 1)] ?? smallest).url,
            srcSet: image.variants.map((v) => `${v.url} ${v.width}w`).join(', '),
            sizes,
          }
        : { src: smallest.url, ...(dense ? { srcSet: `${dense.url} 2x` } : {}) })}
      width={smallest.width}
      height={smallest.height}
      alt={alt}
      loading={priority ? 'eager' : 'lazy'}
      decoding="async"
      {...(priority ? { fetchPriority: 'high' as const } : {})}
      style={image.placeholder ? { backgroundColor: image.placeholder } : undefined}
    />
  );
}

/** A recipe's cover photo, or its stand-in until it has one. */
export function RecipeCover({
  recipe,
  alt,
  sizes,
  className,
  priority = false,
}: {
  recipe: { slug: string; title: string; coverImage?: CardImage };
  alt: string;
  sizes?: string;
  className: string;
  priority?: boolean;
}) {
  return recipe.coverImage ? (
    <RecipeImage image={recipe.coverImage} alt={alt} sizes={sizes} className={className} priority={priority} />
  ) : (
    <CoverPlaceholder slug={recipe.slug} title={recipe.title} className={className} />
  );
}
