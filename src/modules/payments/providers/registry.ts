import type { ProviderConfig } from '../../../platform/provider-config.js';
import type { PaymentProvider, PaymentProviders } from '../payment-provider.js';
import { alipayProvider } from './alipay.js';
import { codProvider } from './cod.js';
import { sandboxProvider } from './sandbox.js';
import { wechatPayProvider } from './wechatpay.js';

/** The providers this process can use: COD always; the sandbox, Alipay and WeChat Pay when configured. */
export function buildPaymentProviders(config: ProviderConfig): PaymentProviders {
  const notify = (name: string) => `${config.publicUrl}/v1/callbacks/payments/${name}`;
  const providers: PaymentProvider[] = [codProvider];
  if (config.sandbox) {
    // start fills it in (ensureSandboxSecret); a sandbox that anyone could sign for is not started
    if (!config.sandboxSecret) throw new Error('The payment sandbox is on without a secret');
    providers.push(sandboxProvider(config.sandboxSecret, config.publicUrl));
  }
  if (config.alipay) providers.push(alipayProvider(config.alipay, notify('alipay')));
  if (config.wechatpay) providers.push(wechatPayProvider(config.wechatpay, notify('wechatpay')));
  return new Map(providers.map((p) => [p.name, p]));
}

/** Providers that move no money outside: their refunds complete inside the transaction that asks. */
export const LOCAL_PROVIDERS: ReadonlySet<string> = new Set(['sandbox', 'cod']);
