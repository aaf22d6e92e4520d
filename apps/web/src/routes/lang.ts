import { createFileRoute } from '@tanstack/react-router';
import { isLocale, localeCookieName } from '@yeet/domain/locale';

/**
 * The language switch (the footer's form, apps/web/src/components/layout.tsx): POST /lang
 * with `locale` and `returnTo` keeps the choice in the `lang` cookie for a year and sends the
 * reader back to the page they were on, now in that language. A plain form, so it works
 * without JavaScript; the server reads the cookie before Accept-Language (apps/server/src/web.ts).
 */
export const Route = createFileRoute('/lang')({
  server: {
    handlers: {
      POST: async ({ request }) => {
        const form = await request.formData().catch(() => null);
        const locale = form?.get('locale');
        if (!isLocale(locale)) return new Response('Unknown language', { status: 400 });
        const url = new URL(request.url);
        const secure = url.protocol === 'https:' ? '; Secure' : '';
        return new Response(null, {
          status: 303,
          headers: {
            location: backTo(form?.get('returnTo'), url.origin),
            'set-cookie': `${localeCookieName}=${locale}; Path=/; Max-Age=31536000; SameSite=Lax${secure}`,
            'cache-control': 'no-store',
          },
        });
      },
    },
  },
});

/** A page of this site (as apps/server/src/return-to.ts reads a return address), else home. */
function backTo(value: FormDataEntryValue | null | undefined, origin: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.length > 2000) return '/';
  const url = URL.parse(value, origin);
  if (!url || url.origin !== origin || url.pathname.startsWith('//')) return '/';
  return `${url.pathname}${url.search}${url.hash}`;
}
