import { AppError } from '../../../platform/errors.js';
import type { PaymentProvider } from '../payment-provider.js';

/**
 * Cash on delivery: nothing to pay online. The courier collects at delivery (payments' onDelivered
 * hook records it); money given back is paid out by the merchant and recorded here.
 */
export const codProvider: PaymentProvider = {
  name: 'cod',
  local: true,
  async create() {
    throw new AppError('unprocessable', 'Cash on delivery is collected when the order is delivered', {
      errors: [{ field: 'body.provider', message: 'cod takes no payment before delivery' }],
    });
  },
  async refund(_payment, refund) {
    return { status: 'succeeded', providerRef: `cod_rf_${refund.id.replaceAll('-', '').slice(-16)}` };
  },
};
