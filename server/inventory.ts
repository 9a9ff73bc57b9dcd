import type { ActionRequest, ActionResponse } from '../typings/api';
import { checkLine } from '../miniprogram/domain/cart';
import { loadPricedProducts } from './products';

export async function check(req: ActionRequest<'inventory', 'check'>): Promise<ActionResponse<'inventory', 'check'>> {
  const { products } = await loadPricedProducts(req.lines.map((l) => l.productId));
  return {
    lines: req.lines.map((line) => {
      const current = products.get(line.productId);
      const result = checkLine(line, current);
      if (current && !current.ok) result.productProblems = current.problems;
      return result;
    }),
  };
}
