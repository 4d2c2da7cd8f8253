import type { ProviderConfig } from '../../../platform/provider-config.js';
import type { PaymentProvider, PaymentProviders } from '../payment-provider.js';
import { alipayProvider } from './alipay.js';
import { codProvider } from './cod.js';
import { sandboxProvider } from './sandbox.js';
import { wechatPayProvider } from './wechatpay.js';

/** The providers this process can use: sandbox and COD always, Alipay and WeChat Pay when configured. */
export function buildPaymentProviders(config: ProviderConfig): PaymentProviders {
  const notify = (name: string) => `${config.publicUrl}/v1/callbacks/payments/${name}`;
  const providers: PaymentProvider[] = [sandboxProvider(config.sandboxSecret, config.publicUrl), codProvider];
  if (config.alipay) providers.push(alipayProvider(config.alipay, notify('alipay')));
  if (config.wechatpay) providers.push(wechatPayProvider(config.wechatpay, notify('wechatpay')));
  return new Map(providers.map((p) => [p.name, p]));
}

/** Providers that move no money outside: their refunds complete inside the transaction that asks. */
export const LOCAL_PROVIDERS: ReadonlySet<string> = new Set(['sandbox', 'cod']);
