/**
 * The merchant function's and the stock ledger's rules on their own (no local cloud): reading wire
 * dates, the document a normalized save stores, a save's SKU plan, the ledger check's verdict and the
 * opening move. The transactions that apply them are tested through the functions (functions/merchant,
 * console/*, journeys).
 */
import { fromWire, normalizedDoc } from '../../server/merchant';
import { byProduct, compareWithLedger, openingMove, planSkuSave, revisionOf, skuFigures, type SkuFigures } from '../../server/stock-ledger';
import { AppError } from '../../server/errors';

const AT = Date.UTC(2026, 2, 1);
const NO_MOVES = new Map<string, SkuFigures>();

/** The AppError `run` throws, or a failure if it throws nothing or something else. */
function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError, nothing was thrown');
}

describe('fromWire', () => {
  test('{"$date": …} in ISO text, milliseconds or $numberLong becomes a Date, at any depth', () => {
    const at = '2026-01-02T03:04:05.000Z';
    const out = fromWire({ createdAt: { $date: at }, skus: [{ at: { $date: Date.parse(at) } }], meta: { when: { $date: { $numberLong: String(Date.parse(at)) } } }, n: 1, s: 'x', none: null }) as Record<string, any>;
    expect(out.createdAt).toEqual(new Date(at));
    expect(out.skus[0].at).toEqual(new Date(at));
    expect(out.meta.when).toEqual(new Date(at));
    expect(out).toMatchObject({ n: 1, s: 'x', none: null });
  });

  test('an operator key, a dotted key or a bad date is refused with the path that holds it', () => {
    const op = refusal(() => fromWire({ skus: [{ stock: { $inc: 1 } }] }));
    expect(op.code).toBe('INVALID_ARGUMENT');
    expect(op.extras.detail).toBe('product.skus[0].stock.$inc: field names may not start with $ or contain .');
    expect(refusal(() => fromWire({ 'a.b': 1 })).extras.detail).toBe('product.a.b: field names may not start with $ or contain .');
    const date = refusal(() => fromWire({ createdAt: { $date: 'yesterday' } }));
    expect([date.message, date.extras.detail]).toEqual(['日期格式有误', 'product.createdAt is not a valid {"$date": ...}']);
  });
});

describe('normalizedDoc', () => {
  const input = {
    _id: 'p-1',
    title: '纯棉T恤',
    categoryId: 'c-wear',
    images: ['https://x.invalid/t.png'],
    status: 'on_shelf',
    specs: [{ name: '颜色', values: ['白', '黑'] }],
    skus: [
      { skuId: 'w', specValues: ['白'], price: 3990, stock: 99 },
      { skuId: 'b', specValues: ['黑'], price: 4290, stock: 6 },
    ],
    revision: 9,
  };
  const current = { _id: 'p-1', createdAt: AT - 1000, skus: [{ skuId: 'w', price: 3990, stock: 4, reserved: 2, sold: 7 }] };

  test("an existing SKU keeps the ledger's stock (a different one sent is a warning); a new SKU takes what was sent", () => {
    const { doc, warnings } = normalizedDoc(input, current, AT, new Map([['c-wear', '服饰']]));
    expect(doc._id).toBeUndefined();
    expect(doc).toMatchObject({ price: 3990, createdAt: AT - 1000, updatedAt: AT });
    expect(doc.revision).toBeUndefined();
    expect((doc.skus as Record<string, unknown>[]).map((s) => [s.skuId, s.stock])).toEqual([
      ['w', 4],
      ['b', 6],
    ]);
    expect(warnings).toEqual([{ field: 'skus.w.stock', problem: 'stock is changed only by adjustStock (a delta with a reason); the value sent was ignored' }]);
    // Saved with its search keywords, the category's name among them.
    expect(doc.keywords).toEqual(expect.arrayContaining(['服饰']));
  });

  test('a new product is dated now; an invalid one is refused with every problem', () => {
    expect(normalizedDoc(input, null, AT, new Map()).doc.createdAt).toBe(AT);
    const error = refusal(() => normalizedDoc({ ...input, title: '', skus: [{ skuId: 'w', specValues: ['白'], price: -1, stock: 1 }] }, null, AT, new Map()));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect((error.details as { problems: { field: string }[] }).problems.map((p) => p.field)).toEqual(['title', 'skus[0].price']);
    expect(error.extras.detail).toMatch(/^title: .*; skus\[0\]\.price: /);
  });
});

describe('the ledger figures', () => {
  test('skuFigures: a missing reserved or sold is 0; a stock that is not a count is no figures at all', () => {
    expect(skuFigures({ stock: 5 })).toEqual({ stock: 5, reserved: 0, sold: 0 });
    expect(skuFigures({ stock: 5, reserved: 1, sold: 2 })).toEqual({ stock: 5, reserved: 1, sold: 2 });
    expect([skuFigures({ stock: -1 }), skuFigures({ stock: 1.5 }), skuFigures({ stock: '3' }), skuFigures({ stock: 1, sold: -2 }), skuFigures(null), skuFigures(3)]).toEqual([null, null, null, null, null, null]);
  });

  test('revisionOf: a product the ledger never wrote is at revision 0', () => {
    expect([revisionOf({ revision: 4 }), revisionOf({}), revisionOf({ revision: 'x' }), revisionOf({ revision: -1 })]).toEqual([4, 0, 0, 0]);
  });

  test('openingMove records what each SKU holds at revision 1; unreadable figures open at 0', () => {
    const move = openingMove('p-1', [{ skuId: 'a', stock: 3, sold: 1 }, { skuId: 'b', stock: 'many' }], { reason: 'open', merchant: 'oM', note: 'import' }, AT);
    expect(move._id).toMatch(/^M.{20}$/);
    expect({ ...move, _id: undefined }).toEqual({
      _id: undefined,
      productId: 'p-1',
      reason: 'open',
      merchant: 'oM',
      note: 'import',
      skus: [
        { skuId: 'a', stock: 3, reserved: 0, sold: 1 },
        { skuId: 'b', stock: 0, reserved: 0, sold: 0 },
      ],
      revision: 1,
      at: AT,
    });
  });

  test("byProduct groups an order's lines per product, in line order", () => {
    const lines = [
      { productId: 'b', skuId: 's1', qty: 1 },
      { productId: 'a', skuId: 's1', qty: 2 },
      { productId: 'b', skuId: 's2', qty: 3 },
    ];
    expect([...byProduct(lines)]).toEqual([
      ['b', [{ skuId: 's1', qty: 1 }, { skuId: 's2', qty: 3 }]],
      ['a', [{ skuId: 's1', qty: 2 }]],
    ]);
  });
});

describe('planSkuSave', () => {
  const current = [
    { skuId: 'keep', price: 100, stock: 5, reserved: 1, sold: 2 },
    { skuId: 'gone', price: 100, stock: 3, reserved: 0, sold: 4 },
  ];

  test('kept SKUs take the ledger figures, new ones open with their stock, removed ones close', () => {
    const plan = planSkuSave(current, [{ skuId: 'keep', price: 200, stock: 99 }, { skuId: 'new', price: 300, stock: 7 }], 'ignore', NO_MOVES);
    expect(plan.skus).toEqual([
      { skuId: 'keep', price: 200, stock: 5, reserved: 1, sold: 2 },
      { skuId: 'new', price: 300, stock: 7, reserved: 0, sold: 0 },
    ]);
    expect(plan.opened).toEqual([{ skuId: 'new', stock: 7, reserved: 0, sold: 0 }]);
    expect(plan.closing).toEqual([{ skuId: 'gone', stock: -3, reserved: 0, sold: -4 }]);
  });

  test('a product sent without SKUs closes every SKU it had', () => {
    const plan = planSkuSave([current[1]], null, 'ignore', NO_MOVES);
    expect(plan.skus).toBeUndefined();
    expect(plan.closing).toEqual([{ skuId: 'gone', stock: -3, reserved: 0, sold: -4 }]);
  });

  test('a SKU that unpaid orders hold cannot be removed; a new SKU cannot start with units reserved or sold', () => {
    const held = refusal(() => planSkuSave(current, [{ skuId: 'gone', stock: 3 }], 'ignore', NO_MOVES));
    expect([held.code, held.details]).toEqual(['INVALID_STATE', { skuId: 'keep', reserved: 1 }]);
    const sold = refusal(() => planSkuSave([], [{ skuId: 'new', stock: 1, sold: 2 }], 'ignore', NO_MOVES));
    expect([sold.code, sold.message, sold.details]).toEqual(['INVALID_ARGUMENT', '新规格的已售数量只能为 0', { skuId: 'new', field: 'sold' }]);
  });

  test('raw edits (refuse): the figures as loaded pass, counting the moves since; a changed figure is refused', () => {
    // Loaded before a checkout reserved one more unit: the editor's copy said stock 6, reserved 0.
    const since = new Map<string, SkuFigures>([['keep', { stock: -1, reserved: 1, sold: 0 }]]);
    const keepOnly = [current[0]];
    expect(planSkuSave(keepOnly, [{ skuId: 'keep', price: 1, stock: 6, reserved: 0, sold: 2 }], 'refuse', since).skus).toEqual([{ skuId: 'keep', price: 1, stock: 5, reserved: 1, sold: 2 }]);
    const edited = refusal(() => planSkuSave(keepOnly, [{ skuId: 'keep', stock: 50 }], 'refuse', since));
    expect([edited.code, edited.details]).toEqual(['INVALID_ARGUMENT', { skuId: 'keep', field: 'stock', have: 5, sent: 50 }]);
    // The same edit through the product editor (ignore) keeps the ledger's figures instead.
    expect(planSkuSave(keepOnly, [{ skuId: 'keep', stock: 50 }], 'ignore', since).skus).toEqual([{ skuId: 'keep', stock: 5, reserved: 1, sold: 2 }]);
  });
});

describe('compareWithLedger', () => {
  const key = (p: string, s: string) => `${p}\u0000${s}`;

  test('SKUs whose figures differ from their moves, or cannot be read, are problems; unopened products are listed', () => {
    const products = [
      { _id: 'ok', revision: 3, skus: [{ skuId: 'a', stock: 2, reserved: 1, sold: 0 }] },
      { _id: 'edited', revision: 1, skus: [{ skuId: 'a', stock: 9 }, { skuId: 'b', stock: 'x' }] },
      { _id: 'legacy', skus: [{ skuId: 'a', stock: 1 }] },
    ];
    const sums = new Map<string, SkuFigures>([
      [key('ok', 'a'), { stock: 2, reserved: 1, sold: 0 }],
      [key('edited', 'a'), { stock: 4, reserved: 0, sold: 0 }],
    ]);
    expect(compareWithLedger(products, sums)).toEqual({
      checkedProducts: 2,
      checkedSkus: 3,
      unopened: ['legacy'],
      problems: [
        { productId: 'edited', skuId: 'a', figures: { stock: 9, reserved: 0, sold: 0 }, ledger: { stock: 4, reserved: 0, sold: 0 } },
        { productId: 'edited', skuId: 'b', figures: null, ledger: { stock: 0, reserved: 0, sold: 0 } },
      ],
    });
  });
});
