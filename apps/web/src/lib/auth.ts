import { redirect } from '@tanstack/react-router';
import type { QueryClient } from '@tanstack/react-query';
import type { Transport } from '@connectrpc/connect';
import type { User } from '@yeet/contract';
import { meQuery } from './api';
import type { Role } from '@yeet/domain/values';
import { can } from './roles';

/** For pages that need a signed-in person (with `role`): sends others to sign in first. */
export async function requireUser(
  context: { queryClient: QueryClient; transport: Transport },
  location: { href: string },
  role?: Role,
): Promise<User> {
  const me = await context.queryClient.ensureQueryData(meQuery(context.transport));
  if (!me) throw redirect({ href: `/auth/login?returnTo=${encodeURIComponent(location.href)}`, reloadDocument: true });
  if (role !== undefined && !can(me, role)) throw redirect({ to: '/' });
  return me;
}
