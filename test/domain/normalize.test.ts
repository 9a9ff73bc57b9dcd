import fc from 'fast-check';
import { normalizeProduct } from '../../miniprogram/domain/normalize';
import { productDoc } from './fixtures';

function problemsOf(doc: unknown) {
  const result = normalizeProduct(doc);
  if (result.ok) throw new Error('expected problems');
  return result.problems;
}

describe('product document normalizer', () => {
  test('accepts a valid document and computes the lowest price', () => {
    const result = normalizeProduct(productDoc());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.product.price).toBe(12900);
    expect(result.product.skus).toHaveLength(3);
    expect(result.product.skus[2].originalPrice).toBe(15900);
    expect(result.warnings).toEqual([]);
  });

  test('thumbs edited by hand: a bad entry is a warning and is dropped (the card shows the image), never a refusal', () => {
    const cover = 'cloud://env/p1/cover.png';
    const result = normalizeProduct(
      productDoc({
        thumbs: [
          { image: cover, thumb: 'cloud://env/p1/cover.png.thumb.jpg' },
          { image: cover, thumb: 'cloud://env/p1/other.jpg' },
          { image: 'cloud://env/p1/removed.png', thumb: 'cloud://env/p1/removed.png.thumb.jpg' },
          { image: cover },
          42,
        ],
      }),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.product.thumbs).toEqual([{ image: cover, thumb: 'cloud://env/p1/cover.png.thumb.jpg' }]);
    expect(result.warnings.map((w) => w.field)).toEqual(['thumbs[1].image', 'thumbs[2].image', 'thumbs[3]', 'thumbs[4]']);
    expect(result.warnings.every((w) => w.problem.endsWith('the card shows the image itself'))).toBe(true);
    const notAList = normalizeProduct(productDoc({ thumbs: 'cover.jpg' }));
    expect(notAList.ok && notAList.product.thumbs).toBe(undefined);
    expect(notAList.ok && notAList.warnings).toEqual([{ field: 'thumbs', problem: 'must be a list of {image, thumb}, got the text "cover.jpg"; the card shows the image itself' }]);
  });

  test('a price typed as the text "12.50" is reported with the fix', () => {
    const doc = productDoc();
    (doc.skus as Record<string, unknown>[])[0].price = '12.50';
    expect(problemsOf(doc)).toEqual([
      { field: 'skus[0].price', problem: 'must be a number in fen, got the text "12.50" (for ¥12.50 write 1250)' },
    ]);
  });

  test('negative, fractional and missing stock and prices', () => {
    const doc = productDoc();
    const skus = doc.skus as Record<string, unknown>[];
    skus[0].stock = -3;
    delete skus[1].stock;
    skus[2].price = 12.5;
    const fields = problemsOf(doc).map((p) => p.field);
    expect(fields).toEqual(['skus[0].stock', 'skus[1].stock', 'skus[2].price']);
  });

  test('missing title and image, unknown status', () => {
    const problems = problemsOf(productDoc({ title: '  ', images: [], status: 'published' }));
    expect(problems.map((p) => p.field)).toEqual(['title', 'images', 'status']);
    expect(problems[2].problem).toContain('on_shelf, off_shelf');
  });

  test('extra fields are ignored with a warning, not a failure', () => {
    const doc = productDoc({ color: 'red' });
    (doc.skus as Record<string, unknown>[])[0].weight = 3;
    const result = normalizeProduct(doc);
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.warnings).toEqual([
        { field: 'skus[0].weight', problem: 'unknown field, ignored' },
        { field: 'color', problem: 'unknown field, ignored' },
      ]);
      expect('color' in result.product).toBe(false);
    }
  });

  test('SKU specs must match the dimensions, uniquely', () => {
    const doc = productDoc();
    const skus = doc.skus as Record<string, unknown>[];
    skus[1].specValues = ['green', 'L'];
    skus[2].specValues = ['red', 'M'];
    skus[2].skuId = 'p1-red-M';
    const fields = problemsOf(doc).map((p) => p.field);
    expect(fields).toContain('skus[1].specValues[0]');
    expect(fields).toContain('skus[2].skuId');
    expect(fields).toContain('skus[2].specValues');
  });

  test('spec dimensions are checked', () => {
    expect(problemsOf(productDoc({ specs: 'colour' }))[0].field).toBe('specs');
    expect(problemsOf(productDoc({ specs: [{ name: '', values: ['a'] }] }))[0].field).toBe('specs[0].name');
    expect(problemsOf(productDoc({ specs: [{ name: 'c', values: [] }] }))[0].field).toBe('specs[0].values');
    const dup = problemsOf(productDoc({ specs: [{ name: 'c', values: ['a', 'a'] }, { name: 'c', values: ['b'] }] })).map((p) => p.field);
    expect(dup).toEqual(expect.arrayContaining(['specs[0].values[1]', 'specs[1].name']));
  });

  test('a product without specs has SKUs with no spec values', () => {
    const result = normalizeProduct(productDoc({ specs: undefined, skus: [{ skuId: 'only', price: 100, stock: 1 }] }));
    expect(result.ok && result.product.skus[0].specValues).toEqual([]);
  });

  test('dates may be Date objects, ISO text or ms; garbage is a problem', () => {
    const ok = normalizeProduct(productDoc({ createdAt: new Date(5000), updatedAt: '2026-01-01T00:00:00Z' }));
    expect(ok.ok && ok.product.createdAt).toBe(5000);
    expect(problemsOf(productDoc({ createdAt: 'yesterday' }))[0].field).toBe('createdAt');
  });

  test('a stale stored price is a warning (listings sort by it)', () => {
    const result = normalizeProduct(productDoc({ price: 1 }));
    expect(result.ok && result.warnings[0].field).toBe('price');
  });

  test('non-documents', () => {
    for (const doc of [null, undefined, 3, 'x', [], new Date()]) {
      const result = normalizeProduct(doc);
      expect(result.ok).toBe(false);
    }
    expect(problemsOf({})).toEqual(expect.arrayContaining([expect.objectContaining({ field: '_id' })]));
  });

  test('property: never throws, whatever the document', () => {
    const anyDoc = fc.oneof(
      fc.anything(),
      fc.record({ _id: fc.anything(), title: fc.anything(), images: fc.anything(), specs: fc.anything(), skus: fc.anything(), status: fc.anything() }),
      fc.constant(productDoc()).chain((doc) =>
        fc.record({ field: fc.constantFrom(...Object.keys(doc)), value: fc.anything() }).map(({ field, value }) => ({ ...doc, [field]: value })),
      ),
    );
    fc.assert(
      fc.property(anyDoc, (doc) => {
        const result = normalizeProduct(doc);
        if (!result.ok) return result.problems.length > 0;
        return result.product.skus.every((sku) => Number.isInteger(sku.price) && sku.stock >= 0);
      }),
      { numRuns: 500 },
    );
  });
});
