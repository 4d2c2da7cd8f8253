/**
 * The UCI Online Retail file (Chen, Sain & Guo 2012): its columns and its codes. Plain data with no
 * imports, so the console's bundle takes it as it is (its import form starts from this mapping).
 */
export const UCI_ONLINE_RETAIL = {
  columns: {
    externalId: 'InvoiceNo',
    sku: 'StockCode',
    title: 'Description',
    quantity: 'Quantity',
    unitPrice: 'UnitPrice',
    placedAt: 'InvoiceDate',
    customer: 'CustomerID',
    country: 'Country',
  },
  cancelledPrefix: 'C',
  shippingSkus: ['POST', 'DOT', 'C2'],
  nonProductSkus: ['M', 'm', 'BANK CHARGES', 'AMAZONFEE', 'S', 'B', 'D', 'CRUK', 'PADS'],
  timeZone: 'Europe/London',
};
