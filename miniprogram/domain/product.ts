import type { ProductDetail, ProductSummary } from '../../typings/api';
import type { Product, Sku, SpecDimension } from '../../typings/domain';

export function findSku(product: Product, skuId: string): Sku | undefined {
  return product.skus.find((sku) => sku.skuId === skuId);
}

/** "红 / M", or "" for a product without specs. */
export function specText(sku: Pick<Sku, 'specValues'>): string {
  return sku.specValues.join(' / ');
}

/** Units of a SKU a shopper can buy now: none when the product is off the shelf. */
export function availableUnits(product: Product, sku: Sku): number {
  return product.status === 'on_shelf' ? sku.stock : 0;
}

/** What a card shows for one of the product's images: its thumbnail when one was made, else the image. */
export function cardImage(product: Pick<Product, 'images' | 'thumbs'>, image: string = product.images[0]): string {
  const found = (product.thumbs || []).find((t) => t.image === image);
  return found ? found.thumb : image;
}

export function toSummary(product: Product): ProductSummary {
  const cheapest = product.skus.reduce((best, sku) => (sku.price < best.price ? sku : best), product.skus[0]);
  const summary: ProductSummary = {
    _id: product._id,
    title: product.title,
    cover: cardImage(product),
    price: cheapest.price,
    sales: product.sales,
    soldOut: product.skus.every((sku) => availableUnits(product, sku) === 0),
  };
  if (cheapest.originalPrice !== undefined) summary.originalPrice = cheapest.originalPrice;
  return summary;
}

export function toDetail(product: Product): ProductDetail {
  return {
    _id: product._id,
    title: product.title,
    description: product.description,
    categoryId: product.categoryId,
    images: product.images,
    cover: cardImage(product) || '',
    specs: product.specs,
    skus: product.skus.map((sku) => {
      const view: ProductDetail['skus'][number] = {
        skuId: sku.skuId,
        specValues: sku.specValues,
        price: sku.price,
        available: availableUnits(product, sku),
      };
      if (sku.originalPrice !== undefined) view.originalPrice = sku.originalPrice;
      return view;
    }),
    status: product.status,
    price: product.price,
    sales: product.sales,
  };
}

/** State of one spec value in the SKU picker, given what the shopper has picked in the other dimensions. */
export type SpecValueState = 'selected' | 'available' | 'sold_out' | 'impossible';

interface PickerSku {
  specValues: string[];
  available: number;
}

/**
 * For each dimension and value: can the shopper still pick it? A value is `impossible` when no SKU has
 * it together with the other picks, and `sold_out` when such SKUs exist but none has stock.
 */
export function specValueStates(specs: SpecDimension[], skus: PickerSku[], picked: (string | null)[]): SpecValueState[][] {
  return specs.map((dim, d) =>
    dim.values.map((value): SpecValueState => {
      const candidates = skus.filter(
        (sku) => sku.specValues[d] === value && sku.specValues.every((v, other) => other === d || picked[other] == null || picked[other] === v),
      );
      if (candidates.length === 0) return 'impossible';
      if (!candidates.some((sku) => sku.available > 0)) return 'sold_out';
      return picked[d] === value ? 'selected' : 'available';
    }),
  );
}

/** The SKU matching a full pick, if every dimension is picked. */
export function skuForPick<T extends PickerSku>(skus: T[], picked: (string | null)[], dimensions: number): T | undefined {
  if (picked.length !== dimensions || picked.some((v) => v == null)) return undefined;
  return skus.find((sku) => sku.specValues.every((v, d) => v === picked[d]));
}
