import { createHmac, randomUUID } from 'node:crypto';
import type { NotificationChannel, OutgoingMessage } from './channel.js';
import { PermanentFailure } from './channel.js';

/** RFC 3986 percent-encoding as Aliyun's RPC signature wants it (space %20, * %2A, ~ kept). */
export const percentEncode = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Aliyun's RPC signature (version 1.0): the parameters sorted by name, each name and value
 * percent-encoded, joined with & and =; StringToSign = METHOD & percentEncode("/") &
 * percentEncode(that query); Signature = Base64(HMAC-SHA1(secret + "&", StringToSign)).
 */
export function aliyunSignature(
  method: string,
  params: Record<string, string>,
  accessKeySecret: string,
): string {
  const canonical = Object.keys(params)
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k]!)}`)
    .join('&');
  const stringToSign = `${method}&${percentEncode('/')}&${percentEncode(canonical)}`;
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64');
}

/** Aliyun wants mainland numbers without +86, others with their country code and no +. */
export const aliyunPhone = (e164: string): string =>
  e164.startsWith('+86') ? e164.slice(3) : e164.replace(/^\+/, '');

/** Gateway codes that no retry changes: a number or template Aliyun will not take. */
const PERMANENT = new Set([
  'isv.MOBILE_NUMBER_ILLEGAL',
  'isv.TEMPLATE_MISSING_PARAMETERS',
  'isv.SMS_TEMPLATE_ILLEGAL',
  'isv.SMS_SIGNATURE_ILLEGAL',
  'isv.PARAM_LENGTH_LIMIT',
  'isv.INVALID_PARAMETERS',
  'isv.BLACK_KEY_CONTROL_LIMIT',
]);

export interface AliyunSmsSettings {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  endpoint: string;
}

/**
 * SMS through Aliyun (dysmsapi SendSms, API version 2017-05-25): a POST of the signed form to the
 * endpoint, a pre-approved template code and its parameters as JSON. Code "OK" is accepted; BizId is
 * the gateway's id for the message.
 */
export class AliyunSmsChannel implements NotificationChannel {
  constructor(
    private readonly settings: AliyunSmsSettings,
    private readonly timeoutMs = 10_000,
  ) {}

  async send(m: OutgoingMessage): Promise<{ providerMessageId: string | null }> {
    const s = this.settings;
    const params: Record<string, string> = {
      AccessKeyId: s.accessKeyId,
      Action: 'SendSms',
      Format: 'JSON',
      OutId: m.id,
      PhoneNumbers: aliyunPhone(m.recipient),
      RegionId: 'cn-hangzhou',
      SignName: s.signName,
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: randomUUID(),
      SignatureVersion: '1.0',
      TemplateCode: m.smsTemplateCode ?? '',
      TemplateParam: JSON.stringify(m.smsParams ?? {}),
      Timestamp: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      Version: '2017-05-25',
    };
    const body = new URLSearchParams({
      ...params,
      Signature: aliyunSignature('POST', params, s.accessKeySecret),
    });
    const res = await fetch(s.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
      signal: AbortSignal.timeout(this.timeoutMs),
      redirect: 'error',
    });
    const answer = (await res.json().catch(() => ({}))) as {
      Code?: string;
      Message?: string;
      BizId?: string;
    };
    if (answer.Code === 'OK') return { providerMessageId: answer.BizId ?? null };
    const why = `Aliyun SMS: ${answer.Code ?? `HTTP ${res.status}`}${answer.Message ? ` (${answer.Message})` : ''}`;
    if (answer.Code && PERMANENT.has(answer.Code)) throw new PermanentFailure(why);
    throw new Error(why);
  }
}
