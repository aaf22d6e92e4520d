import { useNavigate } from '@tanstack/react-router';
import type { SuggestRecipesResponse } from '@yeet/contract';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTransport } from '../lib/transport';
import { Highlighted } from './highlighted';
import { searchClient } from '../lib/rpc';
import { defineMessages, useMessages } from '../lib/i18n';

const messages = defineMessages('searchBox', {
  label: 'Search recipes',
  placeholder: 'Search: lasagna, chicken curry, quick vegan…',
  suggestions: 'Suggestions',
  tag: 'Tag:',
  search: 'Search',
});

type Option =
  | { kind: 'recipe'; slug: string; label: SuggestRecipesResponse['recipes'][number] }
  | { kind: 'tag'; tag: string; count: number };

/**
 * The search box: a plain GET form (works without JavaScript), enhanced into a combobox
 * that suggests recipes and tags as you type (WAI-ARIA combobox with a list box).
 */
export function SearchBox({
  initial = '',
  hidden = {},
  onType,
  label,
}: {
  initial?: string;
  /** Current filters, kept when the query changes. */
  hidden?: Record<string, string[]>;
  /** Called (debounced) as the text changes, e.g. to update results in place. */
  onType?: (q: string) => void;
  label?: string;
}) {
  const t = useMessages(messages);
  const id = useId();
  const transport = useTransport();
  const navigate = useNavigate();
  const [text, setText] = useState(initial);
  const [options, setOptions] = useState<Option[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef('');

  useEffect(() => setText(initial), [initial]);

  const suggest = (value: string) => {
    clearTimeout(timer.current);
    latest.current = value;
    timer.current = setTimeout(async () => {
      onType?.(value);
      if (value.trim().length < 2) {
        setOptions([]);
        return;
      }
      try {
        const res = await searchClient(transport).suggestRecipes({ prefix: value, limit: 6 });
        if (latest.current !== value) return; // an older answer arriving late
        setOptions([
          ...res.recipes.map((r) => ({ kind: 'recipe' as const, slug: r.slug, label: r })),
          ...res.tags.map((t) => ({ kind: 'tag' as const, tag: t.tag, count: t.count })),
        ]);
        setOpen(true);
        setActive(-1);
      } catch {
        setOptions([]);
      }
    }, 150);
  };

  const choose = (option: Option) => {
    setOpen(false);
    if (option.kind === 'recipe') void navigate({ to: '/r/$slug', params: { slug: option.slug } });
    else void navigate({ to: '/search', search: { tag: [option.tag] } });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' && options.length) {
      e.preventDefault();
      setOpen(true);
      setActive((a) => (a + 1) % options.length);
    } else if (e.key === 'ArrowUp' && options.length) {
      e.preventDefault();
      setActive((a) => (a <= 0 ? options.length - 1 : a - 1));
    } else if (e.key === 'Enter' && open && options[active]) {
      e.preventDefault();
      choose(options[active]);
    } else if (e.key === 'Escape') {
      setOpen(false);
      setActive(-1);
    }
  };

  const listId = `${id}-suggestions`;
  const expanded = open && options.length > 0;
  return (
    <search>
      <form
        method="get"
        action="/search"
        className="search-box"
        onSubmit={(e) => {
          e.preventDefault();
          setOpen(false);
          void navigate({ to: '/search', search: { ...hidden, q: text || undefined } });
        }}
      >
        <label htmlFor={`${id}-q`} className="visually-hidden">
          {label ?? t.label}
        </label>
        <div className="search-box__field">
          <input
            id={`${id}-q`}
            name="q"
            type="search"
            value={text}
            placeholder={t.placeholder}
            autoComplete="off"
            role="combobox"
            aria-expanded={expanded}
            aria-controls={listId}
            aria-autocomplete="list"
            aria-activedescendant={expanded && active >= 0 ? `${listId}-${active}` : undefined}
            onChange={(e) => {
              setText(e.target.value);
              suggest(e.target.value);
            }}
            onKeyDown={onKeyDown}
            onBlur={() => setTimeout(() => setOpen(false), 150)}
            onFocus={() => {
              searchClient.preload();
              if (options.length) setOpen(true);
            }}
          />
          <div id={listId} role="listbox" aria-label={t.suggestions} className="search-box__list" hidden={!expanded}>
            {options.map((option, i) => (
              <div
                key={option.kind === 'recipe' ? `r-${option.slug}` : `t-${option.tag}`}
                id={`${listId}-${i}`}
                role="option"
                // the input keeps focus and points at the option (aria-activedescendant)
                tabIndex={-1}
                aria-selected={i === active}
                className="search-box__option"
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(option);
                }}
              >
                {option.kind === 'recipe' ? (
                  <Highlighted text={option.label.highlightedTitle} fallback={option.label.title} />
                ) : (
                  <span>
                    {t.tag} <strong>#{option.tag}</strong> <span className="muted">({option.count})</span>
                  </span>
                )}
              </div>
            ))}
          </div>
          {Object.entries(hidden).flatMap(([name, values]) =>
            values.map((v) => <input key={`${name}-${v}`} type="hidden" name={name} value={v} />),
          )}
          <button type="submit" className="button search-box__submit">
            {t.search}
          </button>
        </div>
      </form>
    </search>
  );
}
