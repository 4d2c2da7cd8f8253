/**
 * Shipping: a flat fee per shipping address, waived from a subtotal threshold. Prices in the catalog
 * include tax (as is usual for consumer sales in China and the EU), so tax is not added on top.
 */
export const SHIPPING_FEE_PER_ADDRESS = 1000;
export const FREE_SHIPPING_FROM = 9900;

export interface PricedLine {
  unitPrice: number;
  quantity: number;
}

export function priceOrder(lines: PricedLine[], addressCount: number) {
  const subtotal = lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  const shipping = subtotal >= FREE_SHIPPING_FROM ? 0 : SHIPPING_FEE_PER_ADDRESS * addressCount;
  const discount = 0;
  const tax = 0;
  return { subtotal, shipping, discount, tax, grandTotal: subtotal + shipping - discount };
}
