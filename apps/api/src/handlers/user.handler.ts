import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import { DataExport_State, type DataExportSchema, roleValues, type UserSchema, type UserService } from '@yeet/contract';
import { invalidField } from '@yeet/domain';
import { localIssuer } from '../controllers/account.controller.ts';
import type { DataExport, ExportController } from '../controllers/export.controller.ts';
import type { UserController } from '../controllers/user.controller.ts';
import { callerOf, signedInCallerOf } from '../rpc/context.ts';
import type { User } from '../stores/user.store.ts';
import { filterEnums } from './enums.ts';
import { ratingToProto } from './recipe.convert.ts';

const defaultPageSize = 50;
const maxPageSize = 100;

const exportStates = {
  preparing: DataExport_State.PREPARING,
  ready: DataExport_State.READY,
  failed: DataExport_State.FAILED,
} as const;

const exportToProto = (e: DataExport): MessageInitShape<typeof DataExportSchema> => ({
  id: e.id,
  userId: e.userId,
  state: exportStates[e.status],
  createTime: timestampFromDate(e.createdAt),
  ...(e.readyAt ? { readyTime: timestampFromDate(e.readyAt) } : {}),
  ...(e.expiresAt ? { expireTime: timestampFromDate(e.expiresAt) } : {}),
  byteSize: BigInt(e.byteSize ?? 0),
  sha256: e.sha256 ?? '',
  downloadUrl: e.downloadUrl ?? '',
  error: e.error ?? '',
});

export function userHandlers(users: UserController, exports: ExportController): ServiceImpl<typeof UserService> {
  const toProto = (u: User): MessageInitShape<typeof UserSchema> => ({
    id: u.id,
    displayName: u.displayName,
    email: u.email ?? '',
    roles: u.roles.map(roleValues.toProto),
    createTime: timestampFromDate(u.createdAt),
    rolesFromIssuer: users.rolesFromIssuer,
    passwordSignIn: u.issuer === localIssuer,
  });
  return {
    async getMe(_req, ctx) {
      return { user: toProto(await users.me(signedInCallerOf(ctx))) };
    },
    async getViewer(req, ctx) {
      const { user, myRating } = await users.viewer(signedInCallerOf(ctx), req.recipeId);
      return { user: toProto(user), myRating: myRating ? ratingToProto(myRating) : undefined };
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
      return {
        deletion: await users.deleteAccount(caller, caller.user.id, req.keepPublishedRecipes, { password: req.password }),
      };
    },
    async exportMyData(_req, ctx) {
      const data = await users.exportData(signedInCallerOf(ctx));
      return { documentJson: data.document, readme: data.readme, fileName: data.fileName };
    },
    async requestDataExport(req, ctx) {
      return { export: exportToProto(await exports.request(signedInCallerOf(ctx), req.userId)) };
    },
    async getDataExport(req, ctx) {
      return { export: exportToProto(await exports.get(signedInCallerOf(ctx), req.id)) };
    },
    async listDataExports(req, ctx) {
      return { exports: (await exports.list(signedInCallerOf(ctx), req.userId)).map(exportToProto) };
    },
    async deleteUser(req, ctx) {
      return { deletion: await users.deleteAccount(signedInCallerOf(ctx), req.userId, req.keepPublishedRecipes) };
    },
  };
}
