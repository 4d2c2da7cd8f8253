import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  phone: string;
  templateCode: string;
  params: Record<string, string>;
  signName: string;
  outId: string;
}

/**
 * A fake of Aliyun's SMS gateway (dysmsapi SendSms), written from Aliyun's documentation rather than
 * from our client: it checks the RPC signature (HMAC-SHA1 of the sorted, RFC 3986-encoded parameters,
 * keyed with the secret and "&"), the common parameters, the 35-character limit per template variable
 * and that the number is a mainland mobile, and answers as Aliyun does ({Code:"OK", BizId, …} or an
 * isv.* code).
 */
export class FakeAliyunSms {
  readonly received: ReceivedSms[] = [];
  #server: http.Server | undefined;
  url = '';
  /** Answer every request with this code instead (e.g. isv.BUSINESS_LIMIT_CONTROL). */
  failWith: string | undefined;

  constructor(
    readonly accessKeyId = 'LTAI-test-key',
    readonly accessKeySecret = 'test-aliyun-secret',
  ) {}

  static encode(s: string): string {
    // RFC 3986 unreserved characters stay; everything else is %XX of its UTF-8 bytes.
    return [...Buffer.from(s, 'utf8')]
      .map((b) => {
        const c = String.fromCharCode(b);
        return /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
      })
      .join('');
  }

  async start(): Promise<this> {
    this.#server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        const answer = (status: number, body: Record<string, unknown>) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ RequestId: `req-${this.received.length}`, ...body }));
        };
        const form = new URLSearchParams(raw);
        const params = Object.fromEntries(form.entries());
        const { Signature, ...signed } = params;
        const canonical = Object.keys(signed)
          .sort()
          .map((k) => `${FakeAliyunSms.encode(k)}=${FakeAliyunSms.encode(signed[k]!)}`)
          .join('&');
        const toSign = `${req.method}&%2F&${FakeAliyunSms.encode(canonical)}`;
        const expected = createHmac('sha1', `${this.accessKeySecret}&`).update(toSign).digest('base64');
        if (Signature !== expected || signed.AccessKeyId !== this.accessKeyId)
          return answer(400, {
            Code: 'SignatureDoesNotMatch',
            Message: 'Specified signature is not matched',
          });
        const common = {
          Action: 'SendSms',
          Version: '2017-05-25',
          SignatureMethod: 'HMAC-SHA1',
          SignatureVersion: '1.0',
          Format: 'JSON',
        };
        for (const [k, v] of Object.entries(common))
          if (signed[k] !== v) return answer(400, { Code: 'InvalidParameter', Message: `${k} must be ${v}` });
        if (!signed.SignatureNonce || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(signed.Timestamp ?? ''))
          return answer(400, {
            Code: 'MissingParameter',
            Message: 'SignatureNonce and Timestamp are required',
          });
        if (this.failWith) return answer(200, { Code: this.failWith, Message: 'refused by the test' });
        if (!/^1\d{10}$/.test(signed.PhoneNumbers ?? ''))
          return answer(200, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: 'invalid mobile number' });
        let templateParams: Record<string, string>;
        try {
          templateParams = JSON.parse(signed.TemplateParam ?? '{}');
        } catch {
          return answer(200, { Code: 'isv.INVALID_JSON_PARAM', Message: 'TemplateParam is not JSON' });
        }
        if (Object.values(templateParams).some((v) => String(v).length > 35))
          return answer(200, {
            Code: 'isv.PARAM_LENGTH_LIMIT',
            Message: 'a variable is longer than 35 characters',
          });
        this.received.push({
          phone: signed.PhoneNumbers!,
          templateCode: signed.TemplateCode ?? '',
          params: templateParams,
          signName: signed.SignName ?? '',
          outId: signed.OutId ?? '',
        });
        answer(200, { Code: 'OK', Message: 'OK', BizId: `biz-${this.received.length}` });
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }
}
