import type { Module } from '../../platform/module.js';
import type { OrderHooks } from '../orders/index.js';
import { customerSection } from './customer-section.js';
import { type CustomerDeps, customerRoutes } from './customers.routes.js';
import * as m1205_1200 from './migrations/20261205_1200_customers.js';
import { customerOfPlacedOrders } from './order-customers.js';

export {
  CONTACT_CATEGORIES,
  CONTACT_CHANNELS,
  type ContactCategory,
  type ContactChannel,
  type ContactPreferences,
  isSwitchableCategory,
  mayContact,
  SWITCHABLE_CATEGORIES,
  type SwitchableCategory,
} from './contact-preferences.js';
export { CUSTOMER_LOCALES, type CustomerLocale } from './customer-defaults.js';
export { ensureOrderCustomer, ensureOrderCustomers, normalizeEmail } from './customer-matching.js';
export { setContactPreference } from './customer-updates.js';
export type { CustomerRecord } from './customer-views.js';
export { customerForOrder, findCustomer, findCustomerByEmail } from './order-customers.js';

export const customersModule = {
  name: 'customers',
  migrations: { '20261205_1200_customers': m1205_1200 },
  routes: [customerRoutes],
  // GET /v1/orders/{id} shows support the customer behind the order and the notes about them.
  orderHooks: { detailSections: [customerSection] },
  consumes: [customerOfPlacedOrders],
} satisfies Module<CustomerDeps, Partial<OrderHooks>>;
