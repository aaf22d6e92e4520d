import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ServiceImpl } from '@connectrpc/connect';
import type { ShoppingListItemSchema, ShoppingListService } from '@yeet/contract';
import { amountText, type ShoppingLine } from '@yeet/domain';
import type { ShoppingListController } from '../controllers/shopping-list.controller.ts';
import { signedInCallerOf } from '../rpc/context.ts';

export function shoppingHandlers(shopping: ShoppingListController): ServiceImpl<typeof ShoppingListService> {
  return {
    async getShoppingList(_req, ctx) {
      const groups = await shopping.list(signedInCallerOf(ctx));
      return { aisles: groups.map((g) => ({ aisle: g.aisle, label: g.label, items: g.lines.map(lineToProto) })) };
    },
    async addRecipeToShoppingList(req, ctx) {
      const lines = await shopping.addRecipe(signedInCallerOf(ctx), { recipeId: req.recipeId, servings: req.servings });
      return { items: lines.map(lineToProto) };
    },
    async addShoppingListItem(req, ctx) {
      return { item: lineToProto(await shopping.addItem(signedInCallerOf(ctx), req.text, req.aisle)) };
    },
    async updateShoppingListItem(req, ctx) {
      const line = await shopping.updateLine(signedInCallerOf(ctx), req.id, {
        item: req.item,
        // 0 (proto's way to say "none" in an optional number here) removes the amount
        quantity: req.quantity === undefined ? undefined : req.quantity === 0 ? null : req.quantity,
        unit: req.unit,
        note: req.note,
        aisle: req.aisle,
        checked: req.checked,
      });
      return { item: lineToProto(line) };
    },
    async removeShoppingListItem(req, ctx) {
      await shopping.removeLine(signedInCallerOf(ctx), req.id);
      return {};
    },
    async clearCheckedShoppingListItems(_req, ctx) {
      return { removedCount: await shopping.clearChecked(signedInCallerOf(ctx)) };
    },
  };
}

export function lineToProto(line: ShoppingLine): MessageInitShape<typeof ShoppingListItemSchema> {
  return {
    id: line.id,
    item: line.item,
    ...(line.quantity !== null ? { quantity: line.quantity } : {}),
    unit: line.unit,
    amountText: amountText(line),
    note: line.note,
    aisle: line.aisle,
    checked: line.checked,
    sources: line.sources,
    version: line.version,
    updateTime: timestampFromDate(line.updatedAt),
  };
}
