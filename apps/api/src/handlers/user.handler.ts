import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import { roleValues, type UserSchema, type UserService } from '@yeet/contract';
import { invalidField } from '@yeet/domain';
import type { UserController } from '../controllers/user.controller.ts';
import { callerOf, signedInCallerOf } from '../rpc/context.ts';
import type { User } from '../stores/user.store.ts';
import { filterEnums } from './enums.ts';

const defaultPageSize = 50;
const maxPageSize = 100;

export function userHandlers(users: UserController): ServiceImpl<typeof UserService> {
  const toProto = (u: User): MessageInitShape<typeof UserSchema> => ({
    id: u.id,
    displayName: u.displayName,
    email: u.email ?? '',
    roles: u.roles.map(roleValues.toProto),
    createTime: timestampFromDate(u.createdAt),
    rolesFromIssuer: users.rolesFromIssuer,
  });
  return {
    async getMe(_req, ctx) {
      return { user: toProto(await users.me(signedInCallerOf(ctx))) };
    },
    async updateProfile(req, ctx) {
      return { user: toProto(await users.updateProfile(signedInCallerOf(ctx), req.displayName)) };
    },
    async listUsers(req, ctx) {
      const pageSize = req.pageSize || defaultPageSize;
      if (pageSize < 1 || pageSize > maxPageSize) throw invalidField('pageSize', `must be between 1 and ${maxPageSize}`);
      const page = await users.list(callerOf(ctx), req.query, pageSize, req.pageToken);
      return { users: page.users.map(toProto), nextPageToken: page.nextPageToken };
    },
    async setUserRoles(req, ctx) {
      const roles = filterEnums(req.roles, roleValues, 'roles');
      return { user: toProto(await users.setRoles(signedInCallerOf(ctx), req.userId, roles)) };
    },
    async deleteMyAccount(req, ctx) {
      const caller = signedInCallerOf(ctx);
      return { deletion: await users.deleteAccount(caller, caller.user.id, req.keepPublishedRecipes) };
    },
    async exportMyData(_req, ctx) {
      const data = await users.exportData(signedInCallerOf(ctx));
      return { documentJson: data.document, readme: data.readme, fileName: data.fileName };
    },
    async deleteUser(req, ctx) {
      return { deletion: await users.deleteAccount(signedInCallerOf(ctx), req.userId, req.keepPublishedRecipes) };
    },
  };
}
