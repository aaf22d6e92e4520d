import { Code, ConnectError } from '@connectrpc/connect';
import { createFileRoute } from '@tanstack/react-router';
import { createApiTransport, isUnavailable } from '../lib/api';
import { mealPlanClient } from '../lib/meal-plan';

/**
 * /plan/<token>.ics: a person's meal plan as an iCalendar feed (RFC 5545) for calendar apps,
 * readable with the feed's private token alone; an unknown or revoked token is a 404
 * (docs/decisions/0028-meal-plan-calendar-feed.md).
 */
export const Route = createFileRoute('/plan/{$token}.ics')({
  server: {
    handlers: {
      GET: async ({ request, params }) => {
        try {
          const { calendar } = await mealPlanClient(createApiTransport()).getMealPlanCalendar(
            { token: params.token },
            { signal: request.signal },
          );
          return new Response(calendar, {
            headers: {
              'content-type': 'text/calendar; charset=utf-8',
              'content-disposition': 'inline; filename="meal-plan.ics"',
              // calendar apps fetch again on their own schedule; no shared cache keeps a private plan
              'cache-control': 'private, max-age=300',
              'x-robots-tag': 'noindex',
            },
          });
        } catch (error) {
          if (error instanceof ConnectError && error.code === Code.NotFound) {
            return new Response('This calendar link does not exist or was turned off.\n', {
              status: 404,
              headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' },
            });
          }
          if (!isUnavailable(error)) throw error;
          return new Response('The meal plan is unavailable for a moment; try again in a minute.\n', {
            status: 503,
            headers: { 'content-type': 'text/plain; charset=utf-8', 'retry-after': '60' },
          });
        }
      },
    },
  },
});
